/**
 * The alert rules fed with what a running stack really exposes. Real processes (registry, a worker asked
 * for CUDA on a machine without it, the gateway with auth and a rate-limited key, the scaler leading on a
 * real kube-apiserver) serve real traffic — answers, a typo, a spent quota, a bad tensor, a model nobody
 * serves, a model too big to load, a poison input that is dead-lettered — then every /metrics endpoint is
 * scraped. The scraped label sets, with the target labels the chart's PodMonitor/ServiceMonitor add,
 * become the input series of a promtool test of charts/maas/files/prometheus/rules.yaml: each alert must
 * fire on the series it is about and stay quiet on the healthy ones. The hand-written promtool tests and
 * the dashboard are checked against the same scrape: every metric and label set they use must be one the
 * code emits. (MaasTargetDown's `up` is Prometheus's own and kube_* comes from kube-state-metrics.)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { identityModel, mlpModel, poisonModel, slowModel, writeModelFile } from '@maas/models';
import type { GRPCInferenceServiceClient } from '@maas/protos';
import { callUnary, deadlineIn } from '@maas/grpc-kit';
import { freePort, REPO_ROOT, startServiceProcess, startStack, waitFor, type ManagedProcess, type Stack } from '@maas/testing';
import { hashApiKey } from '../support/api-keys';
import { inferFp32, inferenceClient } from '../support/inference-client';
import { registryClient, uploadModel } from '../support/registry';
import { createPoolDeployment, grantScalerRole, startKube, type KubeHandle } from './scaler-kube-harness';

jest.setTimeout(240_000);

const KEY = 'key-alerts-test-0123456789';
const KEY_SLOW = 'key-alerts-slow-0123456789';
const RULES = path.join(REPO_ROOT, 'charts/maas/files/prometheus/rules.yaml');
const STATIC_TESTS = path.join(REPO_ROOT, 'charts/maas/tests/prometheus/rules.promtest.yaml');
const DASHBOARD = path.join(REPO_ROOT, 'charts/maas/files/dashboards/maas-overview.json');
/** Labels Prometheus adds per target (the chart's scrape configs), not the code. */
const TARGET_LABELS = new Set(['namespace', 'job', 'pod', 'instance', 'component', 'pool', 'container', 'endpoint', 'service']);

interface Series {
  name: string;
  labels: Record<string, string>;
}

/** Parses Prometheus text exposition into series (comments and values dropped). */
function parseScrape(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$/.exec(line);
    if (!m) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels });
  }
  return out;
}

const selector = (s: Series): string => `${s.name}{${Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;

describe('alert rules fed with a real scrape', () => {
  let stack: Stack;
  let kube: KubeHandle | undefined;
  let scaler: ManagedProcess | undefined;
  let scalerMetricsUrl = '';
  let client: GRPCInferenceServiceClient;
  let scraped: Series[] = [];
  let promtool: string;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-alerts-'));

  beforeAll(async () => {
    promtool = execFileSync(path.join(REPO_ROOT, 'scripts/tools/ensure-promtool.sh'), { encoding: 'utf8' }).trim();
    const keysFile = path.join(work, 'keys.json');
    fs.writeFileSync(keysFile, JSON.stringify([
      { sha256: hashApiKey(KEY), tenant: 't', models: ['*'] },
      { sha256: hashApiKey(KEY_SLOW), tenant: 't', models: ['*'], rateLimitPerSecond: 0.01, burst: 1 },
    ]));
    stack = await startStack({
      workers: 1,
      gatewayEnv: { MAAS_AUTH_ENABLED: 'true', MAAS_AUTH_KEYS_FILE: keysFile },
      // CUDA is asked for and absent here: the worker falls back to CPU and says so.
      workerEnv: { MAAS_WORKER_MODELS: 'mlp,big,poison', MAAS_WORKER_MEMORY_BUDGET_BYTES: '200000', MAAS_WORKER_EXECUTION_PROVIDERS: 'cuda,cpu', MAAS_WORKER_POOL: 'gpu' },
    });
    // The scaler, leading through the stack's Consul, scaling pool gpu's Deployment on a real API server.
    kube = await startKube();
    await createPoolDeployment(kube, 'maas', 'maas-worker-gpu');
    await grantScalerRole(kube, 'maas', ['maas-worker-gpu']);
    const policyFile = path.join(work, 'policy.json');
    fs.writeFileSync(policyFile, JSON.stringify({ pools: { gpu: { models: ['mlp'], deployment: 'maas-worker-gpu', minReplicas: 0, maxReplicas: 3 } } }));
    const scalerMetricsPort = await freePort();
    scalerMetricsUrl = `http://127.0.0.1:${scalerMetricsPort}/metrics`;
    scaler = await startServiceProcess({
      service: 'scaler',
      grpcPort: await freePort(),
      env: { ...stack.baseEnv, MAAS_METRICS_PORT: String(scalerMetricsPort), MAAS_SCALER_POLICY_FILE: policyFile, MAAS_SCALER_BACKLOG_PORT: '0', MAAS_K8S_KUBECONFIG: kube.kubeconfigPath, MAAS_K8S_NAMESPACE: 'maas', MAAS_SCALER_INTERVAL_MS: '250' },
    });
    const registry = registryClient(stack.registry.address);
    const dir = path.join(stack.dir, 'fixtures');
    fs.mkdirSync(dir, { recursive: true });
    const batching = { max_batch_size: 8, dynamic_batching: true, max_queue_delay_us: 1000, preferred_batch_sizes: [] };
    await uploadModel(registry, { model: 'mlp', file: writeModelFile(path.join(dir, 'mlp.onnx'), mlpModel()), config: { batching } });
    await uploadModel(registry, { model: 'big', file: writeModelFile(path.join(dir, 'big.onnx'), slowModel({ size: 300, layers: 1 })) });
    await uploadModel(registry, { model: 'orphan', file: writeModelFile(path.join(dir, 'orphan.onnx'), identityModel()) });
    await uploadModel(registry, { model: 'poison', file: writeModelFile(path.join(dir, 'poison.onnx'), poisonModel()) });
    registry.close();
    client = inferenceClient(stack.gateway.grpcAddress);
    const md = (key: string): grpc.Metadata => {
      const m = new grpc.Metadata();
      m.set('authorization', `Bearer ${key}`);
      return m;
    };
    const x = { name: 'x', shape: [1, 4], values: Float32Array.from([1, 2, 3, 4]) };
    const ok = (): Promise<unknown> => inferFp32(client, 'mlp', [x], { metadata: md(KEY) });
    await waitFor(async () => ok().then(() => true, () => false), 20_000, 'mlp answers');
    await Promise.all([ok(), ok(), ok()]);
    const settled = (p: Promise<unknown>): Promise<void> => p.then(() => undefined, () => undefined);
    await Promise.all([
      settled(inferFp32(client, 'mlpp', [x], { version: '1', metadata: md(KEY) })), // typo: not_found, unresolved
      settled(inferFp32(client, 'mlp', [{ name: 'x', shape: [1, 5], values: new Float32Array(5) }], { metadata: md(KEY) })), // invalid_argument
      settled(inferFp32(client, 'orphan', [x], { metadata: md(KEY), timeoutMs: 500 })), // nobody serves it: deadline_exceeded
      // Too big for the worker's budget: its load fails (the job's outcome is the worker's error or the deadline).
      settled(inferFp32(client, 'big', [{ name: 'x', shape: [1, 300, 300], values: new Float32Array(300 * 300) }], { metadata: md(KEY), timeoutMs: 5000 })),
      settled(callUnary(client.RepositoryModelLoad.bind(client) as never, { model_name: 'big' }, { deadline: deadlineIn(10_000) }, md(KEY))),
      // An index outside the model's table makes ORT throw on every delivery: dead-lettered after 3.
      settled(waitFor(async () => (await fetch(`${stack.gateway.httpUrl}/v2/models/poison/ready`, { headers: { authorization: `Bearer ${KEY}` } })).ok, 15_000, 'poison ready').then(() =>
        callUnary(client.ModelInfer.bind(client) as never, { model_name: 'poison', inputs: [{ name: 'index', datatype: 'INT64', shape: [1, 1] }], raw_input_contents: [Buffer.from(BigInt64Array.from([99n]).buffer)] }, { deadline: deadlineIn(10_000) }, md(KEY)))),
      settled((async () => {
        await settled(inferFp32(client, 'mlp', [x], { metadata: md(KEY_SLOW) }));
        await inferFp32(client, 'mlp', [x], { metadata: md(KEY_SLOW) }); // rate_limited
      })()),
    ]);
    // Workers refresh queue gauges every 2 s: wait for the served versions' gauges.
    const scrapeAll = async (): Promise<Series[]> => {
      const parts: Array<[string, Record<string, string>]> = [
        [stack.gateway.metricsUrl, { component: 'gateway', pod: 'maas-gateway-7d9f-abcde' }],
        [stack.registry.metricsUrl, { component: 'registry', pod: 'maas-registry-0' }],
        [stack.workers[0]!.metricsUrl, { component: 'worker', pod: 'maas-worker-gpu-5c8d-xyz12', pool: 'gpu' }],
        [scalerMetricsUrl, { component: 'scaler', pod: 'maas-scaler-6b7c-qwert' }],
      ];
      const all: Series[] = [];
      for (const [url, target] of parts) {
        for (const s of parseScrape(await (await fetch(url)).text())) all.push({ name: s.name, labels: { namespace: 'maas', job: 'maas', ...target, ...s.labels } });
      }
      return all;
    };
    await waitFor(async () => {
      scraped = await scrapeAll();
      return scraped.some((s) => s.name === 'maas_queue_oldest_job_age_seconds' && s.labels['model'] === 'big')
        && scraped.some((s) => s.name === 'maas_dead_letters_total' && s.labels['model'] === 'poison')
        && scraped.some((s) => s.name === 'maas_scaler_last_decision_timestamp_seconds' && s.labels['pool'] === 'gpu')
        && scraped.some((s) => s.name === 'maas_scaler_is_leader' && s.labels['component'] === 'scaler');
    }, 20_000, 'queue gauges of the served versions and the scaler\'s first decision');
  });
  afterAll(async () => {
    client?.close();
    await scaler?.stop(5000);
    await kube?.stop();
    await stack?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  /** The one scraped series of `name` whose labels include `want`. */
  const one = (name: string, want: Record<string, string>): Series => {
    const found = scraped.filter((s) => s.name === name && Object.entries(want).every(([k, v]) => s.labels[k] === v));
    if (found.length !== 1) throw new Error(`expected one scraped ${name} with ${JSON.stringify(want)}, found ${found.length}:\n${scraped.filter((s) => s.name === name).map(selector).join('\n')}`);
    return found[0]!;
  };

  it('exposes the label contract the rules rely on', () => {
    const outcomes = new Set(scraped.filter((s) => s.name === 'maas_requests_total').map((s) => `${s.labels['model']}/${s.labels['version']}/${s.labels['outcome']}`));
    expect([...outcomes]).toEqual(expect.arrayContaining(['mlp/1/invalid_argument', 'mlp/1/ok', 'unresolved/none/not_found', 'unresolved/none/rate_limited']));
    // big's job fails to load on the worker (resource_exhausted, or deadline_exceeded if its retries outlast
    // the deadline): a server-side outcome under its own resolved labels. orphan's caller gives up at its deadline.
    expect([...outcomes].filter((o) => /^big\/1\/(resource_exhausted|deadline_exceeded)$/.test(o))).toHaveLength(1);
    expect([...outcomes].filter((o) => /^orphan\/1\/(deadline_exceeded|cancelled)$/.test(o))).toHaveLength(1);
    expect([...outcomes].every((o) => /^[a-z0-9-]+\/[a-z0-9]+\/[a-z_]+$/.test(o))).toBe(true);
    expect(scraped.some((s) => s.name === 'maas_build_info' && s.labels['maas_service'] === 'maas-worker')).toBe(true);
    expect(scraped.some((s) => 'service' in s.labels)).toBe(false);
    expect(one('maas_grpc_server_handled_total', { grpc_method: 'ModelInfer', grpc_code: 'OK' })).toBeDefined();
  });

  it('every alert fires on the real series it is about and not on the healthy ones (promtool)', () => {
    const series = (s: Series, values: string): { series: string; values: string } => ({ series: selector(s), values });
    const req = (model: string, outcome: string): Series => one('maas_requests_total', { model, outcome });
    const tests = [
      {
        name: 'availability: big fails (server side) and pages; ok, caller mistakes, a typo and a spent quota do not',
        interval: '1m',
        input_series: [
          series(req('mlp', 'ok'), '0+100x70'),
          series(req('mlp', 'invalid_argument'), '0+50x70'),
          series(req('unresolved', 'not_found'), '0+50x70'),
          series(req('unresolved', 'rate_limited'), '0+500x70'),
          series(one('maas_requests_total', { model: 'big' }), '0+10x70'),
        ],
        alert_rule_test: [{ eval_time: '60m', alertname: 'MaasAvailabilitySLOBurnRateHigh', exp_alerts: [
          { exp_labels: { severity: 'critical', namespace: 'maas', model: 'big' } },
          { exp_labels: { severity: 'warning', namespace: 'maas', model: 'big' } },
        ] }],
      },
      {
        name: 'latency: half of mlp over 1 s burns the budget',
        interval: '1m',
        input_series: [
          series(one('maas_request_duration_seconds_bucket', { model: 'mlp', le: '1' }), '0+50x70'),
          series(one('maas_request_duration_seconds_count', { model: 'mlp' }), '0+100x70'),
        ],
        alert_rule_test: [{ eval_time: '60m', alertname: 'MaasLatencySLOBurnRateHigh', exp_alerts: [
          { exp_labels: { severity: 'critical', namespace: 'maas', model: 'mlp' } },
          { exp_labels: { severity: 'warning', namespace: 'maas', model: 'mlp' } },
        ] }],
      },
      {
        name: 'no worker holds big (its load failed) while its jobs wait: fires; mlp is loaded: quiet',
        interval: '1m',
        input_series: [
          series(one('maas_queue_oldest_job_age_seconds', { model: 'big' }), '0+60x20'),
          series(one('maas_queue_oldest_job_age_seconds', { model: 'mlp' }), '0+60x20'),
          series(one('maas_model_loaded_bytes', { model: 'mlp' }), '600x20'),
        ],
        alert_rule_test: [{ eval_time: '10m', alertname: 'MaasNoHealthyWorkerForModel', exp_alerts: [{ exp_labels: { severity: 'critical', namespace: 'maas', model: 'big', version: '1' } }] }],
      },
      {
        name: 'queue of mlp keeps growing',
        interval: '1m',
        input_series: [
          series(one('maas_queue_depth', { model: 'mlp' }), '0+60x40'),
          series(one('maas_queue_oldest_job_age_seconds', { model: 'mlp' }), '0+30x40'),
        ],
        alert_rule_test: [{ eval_time: '25m', alertname: 'MaasQueueGrowing', exp_alerts: [{ exp_labels: { severity: 'warning', namespace: 'maas', model: 'mlp', version: '1' } }] }],
      },
      {
        name: 'a poison job of its own is dead-lettered: fires, and clears after 10 minutes',
        interval: '1m',
        input_series: [series(one('maas_dead_letters_total', { model: 'poison' }), '0 0 0 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1')],
        alert_rule_test: [
          { eval_time: '5m', alertname: 'MaasDeadLetters', exp_alerts: [{ exp_labels: { severity: 'warning', namespace: 'maas', model: 'poison', version: '1' } }] },
          { eval_time: '18m', alertname: 'MaasDeadLetters', exp_alerts: [] },
        ],
      },
      {
        name: 'big fails to load',
        interval: '1m',
        input_series: [series(one('maas_model_load_failures_total', { model: 'big' }), '0 0 2 2 2 2 2 2 2 2')],
        alert_rule_test: [{ eval_time: '5m', alertname: 'MaasModelLoadFailures', exp_alerts: [{ exp_labels: { severity: 'warning', namespace: 'maas', model: 'big', version: '1' } }] }],
      },
      {
        name: 'the leading scaler stops deciding for pool gpu: fires',
        interval: '1m',
        input_series: [
          series(one('maas_scaler_is_leader', {}), '1x20'),
          series(one('maas_scaler_last_decision_timestamp_seconds', { pool: 'gpu' }), '0x20'),
        ],
        alert_rule_test: [{ eval_time: '12m', alertname: 'MaasScalerStuck', exp_alerts: [{ exp_labels: { severity: 'warning', reason: 'no_decisions', namespace: 'maas', pool: 'gpu' } }] }],
      },
      {
        name: 'pool gpu stays below what the scaler wants (kube-state-metrics names the chart\'s Deployment)',
        interval: '1m',
        input_series: [
          series(one('maas_scaler_desired_replicas', { pool: 'gpu' }), '3x30'),
          { series: 'kube_deployment_status_replicas_available{namespace="maas",job="kube-state-metrics",deployment="maas-worker-gpu"}', values: '1x30' },
        ],
        alert_rule_test: [{ eval_time: '20m', alertname: 'MaasScalerStuck', exp_alerts: [{ exp_labels: { severity: 'warning', reason: 'replicas_differ', namespace: 'maas', pool: 'gpu' } }] }],
      },
      {
        name: 'the worker asked for CUDA and runs on CPU',
        interval: '1m',
        input_series: [series(one('maas_execution_provider_fallbacks_total', { requested: 'cuda', used: 'cpu' }), '0 0 1 1 1 1 1 1 1 1')],
        alert_rule_test: [{ eval_time: '5m', alertname: 'MaasCudaFallbackToCpu', exp_alerts: [{ exp_labels: { severity: 'warning', namespace: 'maas', pool: 'gpu' } }] }],
      },
    ];
    // Annotations are the static tests' business (promtool compares them exactly): strip them here.
    const kept: string[] = [];
    let inAnnotations = false;
    for (const line of fs.readFileSync(RULES, 'utf8').split('\n')) {
      if (/^ {8}annotations:$/.test(line)) inAnnotations = true;
      else if (inAnnotations && !/^ {10}/.test(line)) inAnnotations = false;
      if (!inAnnotations) kept.push(line);
    }
    const rules = kept.join('\n');
    fs.writeFileSync(path.join(work, 'rules.yaml'), rules);
    fs.writeFileSync(path.join(work, 'scrape.promtest.json'), JSON.stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }, null, 1));
    let output = '';
    try {
      output = execFileSync(promtool, ['test', 'rules', 'scrape.promtest.json'], { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`promtool test rules failed on the scraped label sets:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
    expect(output).toContain('SUCCESS');
  });

  it('the hand-written promtool tests and the dashboard use only label sets the code emits', () => {
    const byName = new Map<string, Set<string>>();
    for (const s of scraped) {
      const keys = Object.keys(s.labels).filter((k) => !TARGET_LABELS.has(k)).sort().join(',');
      byName.set(s.name, (byName.get(s.name) ?? new Set()).add(keys));
    }
    // Not produced by what this stack runs (redeliveries need a crashing worker, scaler errors a failing
    // tick; the preprocess service does not run here) or not by maas at all (Prometheus,
    // kube-state-metrics, DCGM).
    const notScraped = /^(maas_worker_redeliveries_total|maas_scaler_errors_total|maas_preprocess_|kube_|up$|DCGM_)/;
    const UNSCRAPED_LABELS = new Set(['stage', 'deployment', 'gpu', 'Hostname', 'modelName', 'UUID']); // scaler errors (none here), kube-state-metrics, DCGM
    const problems: string[] = [];
    const staticText = fs.readFileSync(STATIC_TESTS, 'utf8');
    for (const m of staticText.matchAll(/series: '([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}'/g)) {
      const name = m[1]!;
      if (notScraped.test(name)) continue;
      const keys = [...m[2]!.matchAll(/([a-zA-Z_]+)="/g)].map((k) => k[1]!).filter((k) => !TARGET_LABELS.has(k)).sort().join(',');
      const real = byName.get(name);
      if (!real) problems.push(`rules.promtest.yaml uses ${name}, which no scraped service exposes`);
      else if (!real.has(keys)) problems.push(`rules.promtest.yaml: ${name}{${keys}} but the code emits ${[...real].map((k) => `{${k}}`).join(' or ')}`);
      const outcome = /outcome="([^"]*)"/.exec(m[2]!)?.[1];
      if (outcome !== undefined && !/^[a-z_]+$/.test(outcome)) problems.push(`rules.promtest.yaml: outcome "${outcome}" is not lower snake case like the code's`);
    }
    const dashboard = fs.readFileSync(DASHBOARD, 'utf8');
    const rules = fs.readFileSync(RULES, 'utf8');
    for (const [where, text] of [['dashboard', dashboard], ['rules', rules]] as const) {
      for (const name of new Set([...text.matchAll(/\b(maas_[a-z_]+)\b/g)].map((x) => x[1]!))) {
        if (notScraped.test(name) || name === 'maas_service') continue;
        if (!['', '_bucket', '_count'].some((suffix) => byName.has(name + suffix))) problems.push(`${where} uses ${name}, which no scraped service exposes`);
      }
      for (const label of text.matchAll(/by \(([^)]*)\)/g)) {
        for (const l of label[1]!.split(',').map((x) => x.trim()).filter((x) => x !== '' && x !== 'le')) {
          if (!TARGET_LABELS.has(l) && !UNSCRAPED_LABELS.has(l) && !scraped.some((s) => l in s.labels)) problems.push(`${where} groups by "${l}", a label nothing scraped has`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
