#!/usr/bin/env python3
"""Writes charts/maas/files/dashboards/maas-overview.json, the Grafana dashboard of maas.

The JSON is generated so that every panel has the same shape (datasource variable, namespace and
model filters, units) and edited here rather than by hand; `--check` fails when the committed file
differs from what this script writes. Run: python3 scripts/chart/gen-dashboard.py [--check]
"""
import json
import pathlib
import sys

OUT = pathlib.Path(__file__).resolve().parents[2] / "charts/maas/files/dashboards/maas-overview.json"
DS = {"type": "prometheus", "uid": "${datasource}"}
SEL = 'namespace=~"$namespace"'
MSEL = 'namespace=~"$namespace", model=~"$model", version=~"$version"'
# Worker pods carry the target label `pool` (the chart's PodMonitor and k8s/monitoring relabel it).
WSEL = 'namespace=~"$namespace", pool=~"$pool"'
WMSEL = 'namespace=~"$namespace", pool=~"$pool", model=~"$model", version=~"$version"'
# Outcomes that are the caller's doing: they do not spend the availability error budget.
CALLER = "ok|invalid_argument|not_found|unauthenticated|permission_denied|cancelled|rate_limited"
# DCGM exporter series of the GPUs the worker pods use, with the pod's pool (from maas_build_info).
def gpu(metric):
    return (f'max by (pool, pod, gpu) ({metric}{{{SEL}}} * on (namespace, pod) group_left (pool) '
            f'max by (namespace, pod, pool) (maas_build_info{{{WSEL}, maas_service="maas-worker"}}))')


def target(expr, legend, ref):
    return {"datasource": DS, "expr": expr, "legendFormat": legend, "refId": ref, "range": True}


class Layout:
    def __init__(self):
        self.panels, self.y, self.x, self.next_id = [], 0, 0, 1

    def row(self, title):
        if self.x:
            self.y, self.x = self.y + 8, 0
        self.panels.append({"type": "row", "title": title, "id": self.next_id, "collapsed": False,
                            "gridPos": {"h": 1, "w": 24, "x": 0, "y": self.y}, "panels": []})
        self.next_id += 1
        self.y += 1

    def panel(self, title, description, unit, targets, kind="timeseries", width=8):
        if self.x + width > 24:
            self.y, self.x = self.y + 8, 0
        refs = "ABCDEFGH"
        p = {
            "type": kind, "title": title, "description": description, "id": self.next_id,
            "datasource": DS,
            "gridPos": {"h": 8, "w": width, "x": self.x, "y": self.y},
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
                        "tooltip": {"mode": "multi", "sort": "desc"}} if kind == "timeseries" else {},
            "targets": [target(e, l, refs[i]) for i, (e, l) in enumerate(targets)],
        }
        self.panels.append(p)
        self.next_id += 1
        self.x += width


def build():
    L = Layout()
    L.row("Requests (gateway)")
    L.panel("Request rate by model", "Requests per second the gateway answered, by model.", "reqps",
            [(f'sum by (model) (rate(maas_requests_total{{{MSEL}}}[$__rate_interval]))', "{{model}}")])
    L.panel("Errors by model and outcome", "Requests that did not end ok, by outcome (rate_limited, or the gRPC status name in lower case); model \"unresolved\" failed before resolution (typo, quota, registry down).", "reqps",
            [(f'sum by (model, outcome) (rate(maas_requests_total{{{MSEL}, outcome!="ok"}}[$__rate_interval]))', "{{model}} {{outcome}}")])
    L.panel("Server error ratio", "Share of requests that failed on the service's side (caller mistakes and rate limits excluded): what the availability SLO counts.", "percentunit",
            [(f'sum by (model) (rate(maas_requests_total{{{MSEL}, outcome!~"{CALLER}"}}[$__rate_interval])) / sum by (model) (rate(maas_requests_total{{{MSEL}}}[$__rate_interval]))', "{{model}}")])
    L.panel("End-to-end latency p50 / p99", "Request duration at the gateway, from receipt to reply.", "s",
            [(f'histogram_quantile(0.5, sum by (le, model) (rate(maas_request_duration_seconds_bucket{{{MSEL}}}[$__rate_interval])))', "p50 {{model}}"),
             (f'histogram_quantile(0.99, sum by (le, model) (rate(maas_request_duration_seconds_bucket{{{MSEL}}}[$__rate_interval])))', "p99 {{model}}")], width=12)
    L.panel("Requests over the 1 s SLO", "Share of requests slower than 1 s; the latency SLO allows 1 - monitoring.slo.latencyObjective.", "percentunit",
            [(f'1 - (sum by (model) (rate(maas_request_duration_seconds_bucket{{{MSEL}, le="1"}}[$__rate_interval])) / sum by (model) (rate(maas_request_duration_seconds_count{{{MSEL}}}[$__rate_interval])))', "{{model}}")], width=12)

    L.row("Error budget (30 days)")
    L.panel("Availability budget left", "Share of the 30-day availability error budget (1 - monitoring.slo.availabilityObjective) not yet spent, per model; below 0 the SLO is missed.", "percentunit",
            [(f'1 - (sum by (model) (increase(maas_requests_total{{{MSEL}, outcome!~"{CALLER}"}}[30d])) / sum by (model) (increase(maas_requests_total{{{MSEL}}}[30d]))) / on () group_left () (1 - maas:slo_objective:availability)', "{{model}}")], kind="stat")
    L.panel("Latency budget left", "Share of the 30-day latency error budget (1 - monitoring.slo.latencyObjective) not yet spent, per model.", "percentunit",
            [(f'1 - (1 - sum by (model) (increase(maas_request_duration_seconds_bucket{{{MSEL}, le="1"}}[30d])) / sum by (model) (increase(maas_request_duration_seconds_count{{{MSEL}}}[30d]))) / on () group_left () (1 - maas:slo_objective:latency)', "{{model}}")], kind="stat")
    L.panel("Availability burn rate (1 h)", "How many times faster than sustainable the budget burns; MaasAvailabilitySLOBurnRateHigh pages at 14.4 (with the 5 min window) and warns at 6 (6 h).", "short",
            [(f'maas:request_errors:ratio_rate1h{{namespace=~"$namespace", model=~"$model"}} / on () group_left () (1 - maas:slo_objective:availability)', "{{model}}")])

    L.row("Canary: versions of the selected models")
    L.panel("Traffic share by version", "Share of each model's requests that went to each version: a canary alias split shows here.", "percentunit",
            [(f'sum by (model, version) (rate(maas_requests_total{{{MSEL}}}[$__rate_interval])) / on (model) group_left () sum by (model) (rate(maas_requests_total{{{MSEL}}}[$__rate_interval]))', "{{model}} v{{version}}")])
    L.panel("Server error ratio by version", "The canary's errors next to the stable version's.", "percentunit",
            [(f'sum by (model, version) (rate(maas_requests_total{{{MSEL}, outcome!~"{CALLER}"}}[$__rate_interval])) / sum by (model, version) (rate(maas_requests_total{{{MSEL}}}[$__rate_interval]))', "{{model}} v{{version}}")])
    L.panel("Latency p99 by version", "The canary's latency next to the stable version's.", "s",
            [(f'histogram_quantile(0.99, sum by (le, model, version) (rate(maas_request_duration_seconds_bucket{{{MSEL}}}[$__rate_interval])))', "{{model}} v{{version}}")])

    L.row("Queue (Redis Streams)")
    L.panel("Queue depth", "Jobs waiting per model version.", "short",
            [(f'max by (model, version) (maas_queue_depth{{{WMSEL}}})', "{{model}}:{{version}}")])
    L.panel("Oldest waiting job", "Age of the oldest job not yet taken by a worker.", "s",
            [(f'max by (model, version) (maas_queue_oldest_job_age_seconds{{{WMSEL}}})', "{{model}}:{{version}}")])
    L.panel("Queue wait p95", "Time jobs spent in the queue before a worker took them.", "s",
            [(f'histogram_quantile(0.95, sum by (le, model) (rate(maas_queue_wait_seconds_bucket{{{WMSEL}}}[$__rate_interval])))', "{{model}}")])
    L.panel("Dead letters", "Jobs moved to the dead-letter stream after too many deliveries.", "short",
            [(f'sum by (model, version) (increase(maas_dead_letters_total{{{WMSEL}}}[$__rate_interval]))', "{{model}}:{{version}}")], width=12)
    L.panel("Preprocess p95", "Time spent in preprocessing and postprocessing pipelines.", "s",
            [(f'histogram_quantile(0.95, sum by (le, model) (rate(maas_preprocess_duration_seconds_bucket{{{SEL}, model=~"$model"}}[$__rate_interval])))', "{{model}}")], width=12)

    L.row("Workers")
    L.panel("Batch size p50 / p95", "Jobs per ONNX Runtime run: dynamic batching at work.", "short",
            [(f'histogram_quantile(0.5, sum by (le, model) (rate(maas_batch_size_bucket{{{WMSEL}}}[$__rate_interval])))', "p50 {{model}}"),
             (f'histogram_quantile(0.95, sum by (le, model) (rate(maas_batch_size_bucket{{{WMSEL}}}[$__rate_interval])))', "p95 {{model}}")])
    L.panel("Mean batch size", "Average jobs per run.", "short",
            [(f'sum by (model) (rate(maas_batch_size_sum{{{WMSEL}}}[$__rate_interval])) / sum by (model) (rate(maas_batch_size_count{{{WMSEL}}}[$__rate_interval]))', "{{model}}")])
    L.panel("Compute p95", "ONNX Runtime time per batch, by execution provider.", "s",
            [(f'histogram_quantile(0.95, sum by (le, model, execution_provider) (rate(maas_compute_duration_seconds_bucket{{{WMSEL}}}[$__rate_interval])))', "{{model}} {{execution_provider}}")])
    L.panel("Worker utilization", "Share of time the pool's workers spend in session.run (rate of maas_worker_busy_seconds_total per worker; 1 = saturated).", "percentunit",
            [(f'sum by (pool) (rate(maas_worker_busy_seconds_total{{{WSEL}}}[$__rate_interval])) / count by (pool) (maas_build_info{{{WSEL}, maas_service="maas-worker"}})', "{{pool}}")])
    L.panel("Worker jobs by outcome", "Jobs the workers finished, by outcome.", "ops",
            [(f'sum by (pool, outcome) (rate(maas_worker_jobs_total{{{WMSEL}}}[$__rate_interval]))', "{{pool}} {{outcome}}")])
    L.panel("Workers up per pool", "Worker pods Prometheus can scrape, per pool.", "short",
            [(f'sum by (pool) (up{{{WSEL}, component="worker"}})', "{{pool}}")])

    L.row("GPUs (DCGM exporter)")
    L.panel("GPU utilization", "DCGM_FI_DEV_GPU_UTIL of the GPUs worker pods use, by pool and pod (needs the NVIDIA DCGM exporter with pod labels; docs/operations.md).", "percent",
            [(gpu("DCGM_FI_DEV_GPU_UTIL"), "{{pool}} {{pod}} gpu{{gpu}}")])
    L.panel("GPU memory used", "DCGM_FI_DEV_FB_USED (MiB of frame buffer) next to the pool's model memory budget.", "decmbytes",
            [(gpu("DCGM_FI_DEV_FB_USED"), "{{pool}} {{pod}} gpu{{gpu}}")])
    L.panel("GPU power and temperature", "DCGM_FI_DEV_POWER_USAGE (W) and DCGM_FI_DEV_GPU_TEMP (°C).", "short",
            [(gpu("DCGM_FI_DEV_POWER_USAGE"), "W {{pod}} gpu{{gpu}}"),
             (gpu("DCGM_FI_DEV_GPU_TEMP"), "°C {{pod}} gpu{{gpu}}")])

    L.row("Models")
    L.panel("Models loaded by execution provider", "Loaded model sessions by provider: cpu here on a GPU pool means CUDA failed to load (MaasCudaFallbackToCpu).", "short",
            [(f'sum by (pool, execution_provider) (maas_models_loaded{{{WSEL}}})', "{{pool}} {{execution_provider}}")])
    L.panel("Model memory by pool", "Bytes of loaded models, against each pool's memory budget.", "bytes",
            [(f'sum by (pool) (maas_model_loaded_bytes{{{WSEL}}})', "{{pool}}")])
    L.panel("Model loads and failures", "Model loads per interval and their p95 duration; failed loads by model (MaasModelLoadFailures).", "s",
            [(f'histogram_quantile(0.95, sum by (le, pool) (rate(maas_model_load_duration_seconds_bucket{{{WSEL}}}[$__rate_interval])))', "p95 {{pool}}"),
             (f'sum by (pool) (increase(maas_model_load_duration_seconds_count{{{WSEL}}}[$__rate_interval]))', "loads {{pool}}"),
             (f'sum by (model, version) (increase(maas_model_load_failures_total{{{WMSEL}}}[$__rate_interval]))', "failed {{model}}:{{version}}")])
    L.panel("Registry artifact bytes", "Bytes of model artifacts stored in the registry.", "bytes",
            [(f'sum(maas_registry_artifact_bytes{{{SEL}}})', "artifacts")], width=12)
    L.panel("gRPC calls by code", "Calls handled by every maas gRPC server, by service and status code (label grpc_code).", "reqps",
            [(f'sum by (maas_service, grpc_code) (rate(maas_grpc_server_handled_total{{{SEL}}}[$__rate_interval]))', "{{maas_service}} {{grpc_code}}")], width=12)

    L.row("Scaler")
    L.panel("Desired replicas", "Replicas the scaler wants per pool.", "short",
            [(f'max by (pool) (maas_scaler_desired_replicas{{{WSEL}}})', "{{pool}}")])
    L.panel("Scaling decisions", "Decisions per pool and direction.", "short",
            [(f'sum by (pool, direction) (increase(maas_scaler_decisions_total{{{WSEL}}}[$__rate_interval]))', "{{pool}} {{direction}}")])
    L.panel("Since last decision", "Seconds since the scaler last decided, per pool (MaasScalerStuck fires past 5 minutes).", "s",
            [(f'time() - max by (pool) (maas_scaler_last_decision_timestamp_seconds{{{WSEL}}})', "{{pool}}")])
    L.panel("Backlog and current replicas", "Jobs waiting or in flight over each pool's streams, and the pool's spec.replicas, as the scaler sees them.", "short",
            [(f'max by (pool) (maas_scaler_backlog{{{WSEL}}})', "backlog {{pool}}"),
             (f'max by (pool) (maas_scaler_current_replicas{{{WSEL}}})', "replicas {{pool}}")], width=12)
    L.panel("Scaler errors and leader", "Errors by pool and stage (signals, Kubernetes API); the leader line is 1 while an instance holds the Consul lock.", "short",
            [(f'sum by (pool, stage) (increase(maas_scaler_errors_total{{{WSEL}}}[$__rate_interval]))', "{{pool}} {{stage}}"),
             (f'max(maas_scaler_is_leader{{{SEL}}})', "leader")], width=12)

    return {
        "uid": "maas-overview",
        "title": "maas / Overview",
        "description": "Model-as-a-Service: requests, error budget, canary versions, queue, workers, GPUs, models and scaler. Generated by scripts/chart/gen-dashboard.py.",
        "tags": ["maas"],
        "timezone": "browser",
        "editable": True,
        "graphTooltip": 1,
        "schemaVersion": 39,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-3h", "to": "now"},
        "links": [],
        "annotations": {"list": []},
        "templating": {"list": [
            {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
             "current": {}, "hide": 0, "refresh": 1},
            {"name": "namespace", "label": "Namespace", "type": "query", "datasource": DS,
             "query": {"query": "label_values(maas_requests_total, namespace)", "refId": "namespace"},
             "definition": "label_values(maas_requests_total, namespace)",
             "includeAll": True, "multi": True, "allValue": ".*", "current": {}, "refresh": 2, "sort": 1, "hide": 0},
            {"name": "model", "label": "Model", "type": "query", "datasource": DS,
             "query": {"query": 'label_values(maas_requests_total{namespace=~"$namespace"}, model)', "refId": "model"},
             "definition": 'label_values(maas_requests_total{namespace=~"$namespace"}, model)',
             "includeAll": True, "multi": True, "allValue": ".*", "current": {}, "refresh": 2, "sort": 1, "hide": 0},
            {"name": "version", "label": "Version", "type": "query", "datasource": DS,
             "query": {"query": 'label_values(maas_requests_total{namespace=~"$namespace", model=~"$model"}, version)', "refId": "version"},
             "definition": 'label_values(maas_requests_total{namespace=~"$namespace", model=~"$model"}, version)',
             "includeAll": True, "multi": True, "allValue": ".*", "current": {}, "refresh": 2, "sort": 3, "hide": 0},
            {"name": "pool", "label": "Worker pool", "type": "query", "datasource": DS,
             "query": {"query": 'label_values(maas_build_info{namespace=~"$namespace", maas_service="maas-worker"}, pool)', "refId": "pool"},
             "definition": 'label_values(maas_build_info{namespace=~"$namespace", maas_service="maas-worker"}, pool)',
             "includeAll": True, "multi": True, "allValue": ".*", "current": {}, "refresh": 2, "sort": 1, "hide": 0},
        ]},
        "panels": L.panels,
    }


def main():
    text = json.dumps(build(), indent=2) + "\n"
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT} is stale: run python3 scripts/chart/gen-dashboard.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
