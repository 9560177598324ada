#!/usr/bin/env python3
"""Checks behind scripts/chart/test.sh that need a YAML/JSON parser rather than a Kubernetes schema.

  checks.py yaml2json FILE...                 all YAML documents as one JSON array (stdout)
  checks.py rendered FILE...                  invariants across each rendered release (see check_rendered)
  checks.py dashboard DASHBOARD.json OUT.yaml  validates the dashboard; writes its PromQL as rules for promtool
  checks.py alerts RULES PROMTEST RUNBOOKS    every alert is unit-tested, labelled and has a runbook section

Each prints what is wrong and exits 1, or exits 0 silently.
"""
import json
import re
import sys

import yaml

FULL_LABELS = ("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
               "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by",
               "helm.sh/chart")
WORKLOADS = ("Deployment", "StatefulSet")


LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_docs(path):
    with open(path) as f:
        return [d for d in yaml.load_all(f, Loader=LOADER) if d]


def subset(small, big):
    return all(big.get(k) == v for k, v in (small or {}).items())


def check_rendered(path):
    """Rules that hold for every scenario: they tie objects together, which schemas cannot."""
    docs = load_docs(path)
    problems = []
    seen = set()
    pods = []  # (workload name, pod labels, container port names)
    for d in docs:
        key = (d["kind"], d["metadata"]["name"])
        if key in seen:
            problems.append(f"{key} rendered twice")
        seen.add(key)
        labels = d["metadata"].get("labels", {})
        missing = [label for label in FULL_LABELS if label not in labels]
        if missing:
            problems.append(f"{d['kind']} {d['metadata']['name']} lacks labels {missing}")
        if d["kind"] in WORKLOADS:
            spec = d["spec"]
            tmpl = spec["template"]
            sel = spec["selector"]["matchLabels"]
            if not subset(sel, tmpl["metadata"]["labels"]):
                problems.append(f"{d['kind']} {d['metadata']['name']}: selector {sel} does not match its pod labels")
            for forbidden in ("app.kubernetes.io/version", "helm.sh/chart"):
                if forbidden in sel:
                    problems.append(f"{d['kind']} {d['metadata']['name']}: selector holds {forbidden}, which changes on upgrade")
            ports = set()
            for c in tmpl["spec"]["containers"]:
                sc = c.get("securityContext", {})
                if sc.get("readOnlyRootFilesystem") is not True or sc.get("allowPrivilegeEscalation") is not False \
                        or "ALL" not in sc.get("capabilities", {}).get("drop", []):
                    problems.append(f"{d['metadata']['name']}/{c['name']}: securityContext is not locked down")
                if "memory" not in c.get("resources", {}).get("limits", {}):
                    problems.append(f"{d['metadata']['name']}/{c['name']}: no memory limit")
                ports |= {p["name"] for p in c.get("ports", [])}
            pods.append((d["metadata"]["name"], tmpl["metadata"]["labels"], ports))

    def selected(selector):
        return [p for p in pods if subset(selector, p[1])]

    names = {p[0] for p in pods}
    for d in docs:
        kind, name = d["kind"], d["metadata"]["name"]
        if kind == "Service":
            hits = selected(d["spec"]["selector"])
            if not hits:
                problems.append(f"Service {name} selects no pods")
            for port in d["spec"]["ports"]:
                target = port.get("targetPort")
                if isinstance(target, str) and not any(target in h[2] for h in hits):
                    problems.append(f"Service {name} targets port {target!r} that its pods do not name")
        elif kind == "PodDisruptionBudget" or kind == "NetworkPolicy":
            sel = (d["spec"].get("selector") or d["spec"].get("podSelector"))["matchLabels"]
            if not selected(sel):
                problems.append(f"{kind} {name} selects no pods")
        elif kind in ("HorizontalPodAutoscaler", "ScaledObject"):
            if d["spec"]["scaleTargetRef"]["name"] not in names:
                problems.append(f"{kind} {name} targets a missing workload")
        elif kind == "Role":
            for rule in d["rules"]:
                for ref in rule.get("resourceNames", []):
                    if ref not in names:
                        problems.append(f"Role {name} names missing Deployment {ref}")
                if "deployments/scale" in rule.get("resources", []) and not rule.get("resourceNames"):
                    problems.append(f"Role {name} may scale every Deployment in the namespace")
                if set(rule["verbs"]) - {"get", "patch", "create"} or "*" in rule["verbs"]:
                    problems.append(f"Role {name} grants more than get/patch/create: {rule['verbs']}")
    return problems


def grafana_to_promql(expr):
    """What Prometheus would receive: Grafana's variables replaced by values of the right type."""
    expr = expr.replace("$__rate_interval", "5m").replace("$__interval", "1m").replace("$__range", "1h")
    return re.sub(r"\$\{?(\w+)\}?", ".*", expr)


def check_dashboard(path, out_rules):
    with open(path) as f:
        dash = json.load(f)
    problems = []
    for key in ("uid", "title", "panels", "templating", "schemaVersion"):
        if key not in dash:
            problems.append(f"dashboard lacks {key}")
    variables = {v["name"] for v in dash.get("templating", {}).get("list", [])}
    ids, rules, metrics = set(), [], set()
    for panel in dash.get("panels", []):
        pid = panel.get("id")
        if pid in ids:
            problems.append(f"panel id {pid} used twice")
        ids.add(pid)
        grid = panel.get("gridPos", {})
        if not all(k in grid for k in ("h", "w", "x", "y")) or grid.get("x", 0) + grid.get("w", 0) > 24:
            problems.append(f"panel {pid} has a bad gridPos {grid}")
        if panel.get("type") == "row":
            continue
        if not panel.get("title") or not panel.get("description"):
            problems.append(f"panel {pid} needs a title and a description")
        if panel.get("datasource", {}).get("uid") != "${datasource}":
            problems.append(f"panel {pid} does not use the $datasource variable")
        targets = panel.get("targets", [])
        if not targets:
            problems.append(f"panel {pid} ({panel.get('title')}) has no query")
        for t in targets:
            expr = t.get("expr", "")
            for var in re.findall(r"\$\{?(\w+)\}?", expr):
                if not var.startswith("__") and var not in variables:
                    problems.append(f"panel {pid} uses undefined variable ${var}")
            metrics |= set(re.findall(r"\b(maas_[a-z_]+|up|DCGM_[A-Z_]+)\b", expr))
            if re.search(r"by \([^)]*\bcode\b", expr):
                problems.append(f"panel {pid} groups by `code`; the gRPC status label is grpc_code")
            rules.append({"record": f"dashboard:panel_{pid}_{t.get('refId', 'A')}", "expr": grafana_to_promql(expr)})
    wanted = {"maas_requests_total", "maas_request_duration_seconds_bucket", "maas_queue_depth",
              "maas_queue_wait_seconds_bucket", "maas_batch_size_bucket", "maas_worker_busy_seconds_total",
              "maas_models_loaded", "maas_model_load_duration_seconds_bucket", "maas_scaler_desired_replicas",
              "maas_model_load_failures_total", "maas_grpc_server_handled_total", "DCGM_FI_DEV_GPU_UTIL",
              "DCGM_FI_DEV_FB_USED"}
    for var in ("version", "pool"):
        if var not in variables:
            problems.append(f"dashboard lacks the ${var} variable")
    for m in sorted(wanted - metrics):
        problems.append(f"dashboard shows nothing of {m}")
    with open(out_rules, "w") as f:
        yaml.safe_dump({"groups": [{"name": "dashboard-expressions", "rules": rules}]}, f, sort_keys=False)
    return problems


def anchor(heading):
    """GitHub's anchor for a Markdown heading."""
    return re.sub(r"[^a-z0-9 _-]", "", heading.strip().lower()).replace(" ", "-")


def check_alerts(rules_path, test_path, runbooks_path):
    with open(rules_path) as f:
        rules = yaml.safe_load(f)
    with open(test_path) as f:
        tests = yaml.safe_load(f)
    with open(runbooks_path) as f:
        anchors = {anchor(m) for m in re.findall(r"^#{2,3} (.+)$", f.read(), re.M)}
    problems = []
    alerts = [r for g in rules["groups"] for r in g["rules"] if "alert" in r]
    fired = {t["alertname"] for case in tests["tests"] for t in case.get("alert_rule_test", []) if t.get("exp_alerts")}
    for a in alerts:
        name = a["alert"]
        if name not in fired:
            problems.append(f"alert {name} has no promtool test where it fires")
        if a.get("labels", {}).get("severity") not in ("critical", "warning", "info"):
            problems.append(f"alert {name} needs a severity label")
        ann = a.get("annotations", {})
        for key in ("summary", "description", "runbook_url"):
            if key not in ann:
                problems.append(f"alert {name} lacks annotation {key}")
        url = ann.get("runbook_url", "")
        if url != f"__RUNBOOK_BASE_URL__#{name.lower()}":
            problems.append(f"alert {name}: runbook_url should be __RUNBOOK_BASE_URL__#{name.lower()}, is {url}")
        if name.lower() not in anchors:
            problems.append(f"alert {name}: docs/runbooks.md has no section '## {name}'")
    return problems


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "yaml2json":
        docs = [d for p in args for d in load_docs(p)]
        json.dump(docs, sys.stdout)
        return 0
    if cmd == "rendered":
        problems = [f"{path}: {p}" for path in args for p in check_rendered(path)]
    else:
        problems = {"dashboard": check_dashboard, "alerts": check_alerts}[cmd](*args)
    for p in problems:
        print(f"{cmd}: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
