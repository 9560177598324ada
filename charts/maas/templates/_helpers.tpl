{{/*
Names, labels and the env contract shared by every template. The MAAS_* environment a service
reads is built in one place (maas.env.common and its per-component callers below) so a renamed
setting is changed here once.
*/}}

{{- define "maas.name" -}}
{{- default "maas" .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "maas.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "maas.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "maas.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* "<fullname>-<suffix>", kept within the 63 characters a DNS label allows. */}}
{{- define "maas.componentName" -}}
{{- printf "%s-%s" (include "maas.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "maas.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels: name and instance only. Workloads add their component (and pool) to stay disjoint; version and chart never enter a selector because selectors are immutable. */}}
{{- define "maas.selectorLabels" -}}
app.kubernetes.io/name: {{ include "maas.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The full app.kubernetes.io/* set for metadata.labels. */}}
{{- define "maas.labels" -}}
{{ include "maas.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: maas
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "maas.chart" . }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels of a component: call with (dict "root" $ "component" "gateway"). */}}
{{- define "maas.componentLabels" -}}
{{ include "maas.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "maas.componentSelectorLabels" -}}
{{ include "maas.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Worker pool labels: (dict "root" $ "pool" $pool). */}}
{{- define "maas.poolSelectorLabels" -}}
{{ include "maas.componentSelectorLabels" (dict "root" .root "component" "worker") }}
maas.dev/pool: {{ .pool.name }}
{{- end -}}

{{- define "maas.poolLabels" -}}
{{ include "maas.componentLabels" (dict "root" .root "component" "worker") }}
maas.dev/pool: {{ .pool.name }}
{{- end -}}

{{- define "maas.poolName" -}}
{{- include "maas.componentName" (dict "root" .root "name" (printf "worker-%s" .pool.name)) -}}
{{- end -}}

{{/* Image reference: (dict "root" $ "image" .Values.gateway.image). */}}
{{- define "maas.image" -}}
{{- $tag := .image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- if .image.digest -}}
{{- printf "%s/%s@%s" (trimSuffix "/" .root.Values.image.registry) .image.repository .image.digest -}}
{{- else -}}
{{- printf "%s/%s:%s" (trimSuffix "/" .root.Values.image.registry) .image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "maas.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "maas.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "maas.authSecretName" -}}
{{- default (include "maas.componentName" (dict "root" . "name" "auth")) .Values.auth.existingSecret -}}
{{- end -}}

{{- define "maas.redisHost" -}}
{{- include "maas.componentName" (dict "root" . "name" "redis") -}}
{{- end -}}

{{/* host:port of Redis, for KEDA's redis-streams trigger. */}}
{{- define "maas.redisAddress" -}}
{{- if .Values.redis.inChart.enabled -}}
{{- printf "%s:6379" (include "maas.redisHost" .) -}}
{{- else -}}
{{- $u := urlParse .Values.redis.url -}}
{{- if contains ":" $u.host -}}{{ $u.host }}{{- else -}}{{ printf "%s:6379" $u.host }}{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Where KEDA finds the Redis password of a keda pool with no authenticationRef: "secret" (the key
redis.existingSecretPasswordKey of redis.existingSecret), "url" (the password inside redis.url) or
"" (none). The worker container carries it as KEDA_REDIS_PASSWORD, which the trigger reads with
passwordFromEnv. (dict "root" $ "pool" $pool)
*/}}
{{- define "maas.kedaPasswordSource" -}}
{{- $r := .root.Values.redis -}}
{{- if and (eq .pool.autoscaling.mode "keda") (eq .pool.autoscaling.keda.source "streams") (not .pool.autoscaling.keda.authenticationRef) (not $r.inChart.enabled) -}}
{{- if $r.existingSecret -}}
{{- if $r.existingSecretPasswordKey }}secret{{ end -}}
{{- else if regexMatch "^[^:]*:.+$" (urlParse $r.url).userinfo -}}
url
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "maas.terminationGracePeriodSeconds" -}}
{{- add (div .Values.shutdownGraceMs 1000) 5 -}}
{{- end -}}

{{/*
The env contract. Call with (dict "root" $ "grpcPort" 8001 "metricsPort" 8002 "config" .Values.gateway.config "extraEnv" ...).
*/}}
{{- define "maas.env.common" -}}
- name: MAAS_LOG_LEVEL
  value: {{ .root.Values.logLevel | quote }}
- name: MAAS_GRPC_PORT
  value: {{ .grpcPort | quote }}
- name: MAAS_METRICS_PORT
  value: {{ .metricsPort | quote }}
- name: MAAS_BIND_ADDRESS
  value: "0.0.0.0"
- name: MAAS_ADVERTISE_ADDRESS
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
- name: MAAS_CONSUL_URL
  value: {{ .root.Values.consul.url | quote }}
{{- if .root.Values.redis.inChart.enabled }}
- name: MAAS_REDIS_URL
  value: {{ printf "redis://%s:6379" (include "maas.redisHost" .root) | quote }}
{{- else if .root.Values.redis.existingSecret }}
- name: MAAS_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.redis.existingSecret }}
      key: {{ .root.Values.redis.existingSecretKey }}
{{- else }}
- name: MAAS_REDIS_URL
  value: {{ .root.Values.redis.url | quote }}
{{- end }}
{{- with .root.Values.redis.sentinel.addresses }}
{{- if $.root.Values.redis.inChart.enabled }}{{ fail "redis.sentinel.addresses is for an external Sentinel set: turn redis.inChart.enabled off" }}{{ end }}
{{- if not $.root.Values.redis.sentinel.masterName }}{{ fail "redis.sentinel.masterName is required with redis.sentinel.addresses" }}{{ end }}
- name: MAAS_REDIS_SENTINELS
  value: {{ join "," . | quote }}
- name: MAAS_REDIS_SENTINEL_MASTER
  value: {{ $.root.Values.redis.sentinel.masterName | quote }}
{{- end }}
- name: MAAS_SHUTDOWN_GRACE_MS
  value: {{ .root.Values.shutdownGraceMs | quote }}
{{- with .root.Values.otel }}
{{- if .endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ .endpoint | quote }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: {{ .protocol | quote }}
- name: OTEL_TRACES_SAMPLER
  value: {{ .sampler | quote }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ .samplerArg | quote }}
{{- end }}
{{- end }}
{{- if .config }}
- name: MAAS_CONFIG_FILE
  value: /etc/maas/config/config.json
{{- end }}
{{- include "maas.env.security" .root }}
{{- end -}}

{{- define "maas.env.extra" -}}
{{- range . }}
- name: {{ .name }}
  {{- if hasKey . "valueFrom" }}
  valueFrom:
    {{- toYaml .valueFrom | nindent 4 }}
  {{- else }}
  value: {{ .value | quote }}
  {{- end }}
{{- end }}
{{- end -}}

{{- define "maas.env.gateway" -}}
{{- $v := .Values.gateway -}}
{{ include "maas.env.common" (dict "root" . "grpcPort" $v.grpcPort "metricsPort" $v.metricsPort "config" $v.config) }}
- name: MAAS_HTTP_PORT
  value: {{ $v.httpPort | quote }}
- name: MAAS_AUTH_ENABLED
  value: {{ .Values.auth.enabled | quote }}
{{- if .Values.auth.enabled }}
- name: MAAS_AUTH_KEYS_FILE
  value: {{ printf "/etc/maas/auth/%s" .Values.auth.existingSecretKey | quote }}
{{- end }}
- name: MAAS_QUEUE_MAX_DEPTH
  value: {{ $v.queueMaxDepth | quote }}
{{- include "maas.env.extra" $v.extraEnv }}
{{- end -}}

{{- define "maas.env.registry" -}}
{{- $v := .Values.registry -}}
{{ include "maas.env.common" (dict "root" . "grpcPort" $v.grpcPort "metricsPort" $v.metricsPort "config" $v.config) }}
- name: MAAS_REGISTRY_ROOT
  value: /var/lib/maas/models
- name: MAAS_REGISTRY_MAX_ARTIFACT_BYTES
  value: {{ $v.maxArtifactBytes | int64 | quote }}
{{ include "maas.env.registryAuth" . }}
{{- include "maas.env.extra" $v.extraEnv }}
{{- end -}}

{{- define "maas.env.preprocess" -}}
{{- $v := .Values.preprocess -}}
{{ include "maas.env.common" (dict "root" . "grpcPort" $v.grpcPort "metricsPort" $v.metricsPort "config" $v.config) }}
{{- include "maas.env.extra" $v.extraEnv }}
{{- end -}}

{{/* (dict "root" $ "pool" $pool) */}}
{{- define "maas.env.worker" -}}
{{- $w := .root.Values.workers -}}
{{ include "maas.env.common" (dict "root" .root "grpcPort" $w.grpcPort "metricsPort" $w.metricsPort "config" .pool.config) }}
- name: MAAS_WORKER_POOL
  value: {{ .pool.name | quote }}
- name: MAAS_WORKER_MODELS
  value: {{ join "," .pool.models | quote }}
- name: MAAS_WORKER_MEMORY_BUDGET_BYTES
  value: {{ .pool.memoryBudgetBytes | int64 | quote }}
- name: MAAS_WORKER_EXECUTION_PROVIDERS
  value: {{ join "," .pool.executionProviders | quote }}
- name: MAAS_WORKER_CACHE_DIR
  value: /var/cache/maas
{{- $pw := include "maas.kedaPasswordSource" . }}
{{- if eq $pw "secret" }}
- name: KEDA_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.redis.existingSecret }}
      key: {{ .root.Values.redis.existingSecretPasswordKey }}
{{- else if eq $pw "url" }}
- name: KEDA_REDIS_PASSWORD
  value: {{ regexReplaceAll "^[^:]*:" (urlParse .root.Values.redis.url).userinfo "" | quote }}
{{- end }}
{{- include "maas.env.extra" .pool.extraEnv }}
{{- end -}}

{{- define "maas.env.scaler" -}}
{{- $v := .Values.scaler -}}
{{ include "maas.env.common" (dict "root" . "grpcPort" $v.grpcPort "metricsPort" $v.metricsPort "config" $v.config) }}
- name: MAAS_SCALER_POLICY_FILE
  value: /etc/maas/scaler/policy.json
- name: MAAS_SCALER_DRY_RUN
  value: {{ $v.dryRun | quote }}
- name: MAAS_SCALER_BACKLOG_PORT
  value: {{ $v.backlogPort | quote }}
- name: MAAS_K8S_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
{{- include "maas.env.extra" $v.extraEnv }}
{{- end -}}

{{/* Native gRPC probes: (dict "port" 8001 "probes" .Values.gateway.probes). */}}
{{- define "maas.probes" -}}
{{- /* Kubernetes' gRPC probes speak plaintext: under TLS an exec probe checks health over TLS in the container. */ -}}
{{- $check := dict "grpc" (dict "port" .port) -}}
{{- if .tls }}{{ $check = dict "exec" (dict "command" (list "node" "/app/node_modules/@maas/grpc-kit/dist/health-probe.js" (toString .port))) }}{{ end -}}
startupProbe:
  {{- toYaml $check | nindent 2 }}
  periodSeconds: {{ .probes.startupPeriodSeconds }}
  timeoutSeconds: {{ .probes.timeoutSeconds }}
  failureThreshold: {{ .probes.startupFailureThreshold }}
livenessProbe:
  {{- toYaml $check | nindent 2 }}
  periodSeconds: {{ .probes.periodSeconds }}
  timeoutSeconds: {{ .probes.timeoutSeconds }}
  failureThreshold: {{ .probes.livenessFailureThreshold }}
readinessProbe:
  {{- toYaml $check | nindent 2 }}
  periodSeconds: {{ .probes.periodSeconds }}
  timeoutSeconds: {{ .probes.timeoutSeconds }}
  failureThreshold: {{ .probes.readinessFailureThreshold }}
{{- end -}}

{{/* Pod-level settings every maas pod shares. */}}
{{- define "maas.podCommon" -}}
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
terminationGracePeriodSeconds: {{ include "maas.terminationGracePeriodSeconds" .root }}
{{- with .root.Values.image.pullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .values.affinity }}
affinity:
  {{- toYaml .values.affinity | nindent 2 }}
{{- else if .spread }}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "maas.componentSelectorLabels" (dict "root" .root "component" .component) | nindent 14 }}
{{- end }}
{{- end -}}

{{/* Volumes every maas container needs with a read-only root filesystem. */}}
{{- define "maas.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- end -}}

{{- define "maas.configVolume" -}}
{{- if .config -}}
- name: config
  configMap:
    name: {{ .name }}
{{- end }}
{{- end -}}

{{- define "maas.configMount" -}}
{{- if . -}}
- name: config
  mountPath: /etc/maas/config
  readOnly: true
{{- end }}
{{- end -}}

{{- define "maas.ports" -}}
- name: grpc
  containerPort: {{ .grpcPort }}
  protocol: TCP
- name: metrics
  containerPort: {{ .metricsPort }}
  protocol: TCP
{{- end -}}

{{/* KEDA pools that read the maas scaler's per-pool backlog (keda.source scaler). */}}
{{- define "maas.kedaScalerPools" -}}
{{- $pools := list -}}
{{- range (include "maas.pools" . | fromJsonArray) -}}
{{- if and (eq .autoscaling.mode "keda") (eq .autoscaling.keda.source "scaler") -}}
{{- $pools = append $pools . -}}
{{- end -}}
{{- end -}}
{{- toJson $pools -}}
{{- end -}}

{{/* Pools the maas scaler drives. */}}
{{- define "maas.scalerPools" -}}
{{- $pools := list -}}
{{- range (include "maas.pools" . | fromJsonArray) -}}
{{- if eq .autoscaling.mode "scaler" -}}
{{- $pools = append $pools . -}}
{{- end -}}
{{- end -}}
{{- toJson $pools -}}
{{- end -}}

{{/*
Deep merge for worker pools: (dict "base" $defaults "over" $pool) → JSON. Maps merge key by key so a
pool can change one probe setting; false and 0 in a pool win (sprig's merge would drop them). The
keys in maas.atomicPoolKeys are replaced whole: a pool's resources must not inherit a default
memory limit below its own request, and a Recreate strategy must not inherit rollingUpdate.
*/}}
{{- define "maas.deepMerge" -}}
{{- $out := deepCopy .base -}}
{{- range $k, $v := .over -}}
{{- $cur := get $out $k -}}
{{- if and (kindIs "map" $v) (kindIs "map" $cur) (not (has $k (list "resources" "nodeSelector" "affinity" "config" "strategy"))) -}}
{{- $_ := set $out $k (include "maas.deepMerge" (dict "base" $cur "over" $v) | fromJson) -}}
{{- else -}}
{{- $_ := set $out $k $v -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/* Every pool merged over workers.poolDefaults, as a JSON list. */}}
{{- define "maas.pools" -}}
{{- $pools := list -}}
{{- range .Values.workers.pools -}}
{{- $pools = append $pools (include "maas.deepMerge" (dict "base" $.Values.workers.poolDefaults "over" .) | fromJson) -}}
{{- end -}}
{{- toJson $pools -}}
{{- end -}}

{{/* MAAS_SCALER_POLICY_FILE contents: one entry per pool whose autoscaling.mode is "scaler". */}}
{{- define "maas.scalerPolicy" -}}
{{- $pools := list -}}
{{- range (include "maas.scalerPools" . | fromJsonArray) }}
{{- $s := .autoscaling.scaler }}
{{- $pools = append $pools (dict
    "name" .name
    "deployment" (include "maas.poolName" (dict "root" $ "pool" .))
    "models" .models
    "minReplicas" .autoscaling.minReplicas
    "maxReplicas" .autoscaling.maxReplicas
    "targetBacklogDrainSeconds" $s.targetBacklogDrainSeconds
    "maxQueueWaitMs" $s.maxQueueWaitMs
    "scaleUpStabilizationSeconds" $s.scaleUpStabilizationSeconds
    "scaleDownStabilizationSeconds" $s.scaleDownStabilizationSeconds
    "cooldownSeconds" $s.cooldownSeconds
    "jobsPerWorkerPerSecond" $s.jobsPerWorkerPerSecond) }}
{{- end }}
{{- $signals := dict -}}
{{- range (include "maas.kedaScalerPools" . | fromJsonArray) }}
{{- $_ := set $signals .name (dict "models" .models) }}
{{- end }}
{{- if $signals }}
{{- toPrettyJson (dict "pools" $pools "signals" $signals) }}
{{- else }}
{{- toPrettyJson (dict "pools" $pools) }}
{{- end }}
{{- end -}}

{{/* User additions to a pod: labels (never in selectors), volumes, mounts, sidecars. (dict "values" $v) */}}
{{- define "maas.podLabels" -}}
{{- with .podLabels }}{{ toYaml . }}{{ end }}
{{- end -}}

{{- define "maas.extraVolumes" -}}
{{- with .extraVolumes }}{{ toYaml . }}{{ end }}
{{- end -}}

{{- define "maas.extraVolumeMounts" -}}
{{- with .extraVolumeMounts }}{{ toYaml . }}{{ end }}
{{- end -}}

{{- define "maas.sidecars" -}}
{{- with .sidecars }}{{ toYaml . }}{{ end }}
{{- end -}}
