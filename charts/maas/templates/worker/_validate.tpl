{{/* Cross-field rules values.schema.json cannot express; each failure names the pool and the setting. */}}
{{- define "maas.validateWorkers" -}}
{{- $seen := dict -}}
{{- range (include "maas.pools" . | fromJsonArray) -}}
{{- if hasKey $seen .name -}}
{{- fail (printf "workers.pools: pool name %q appears twice; names must be unique" .name) -}}
{{- end -}}
{{- $_ := set $seen .name true -}}
{{- $a := .autoscaling -}}
{{- if gt (int $a.minReplicas) (int $a.maxReplicas) -}}
{{- fail (printf "workers.pools[%s].autoscaling: minReplicas %d is above maxReplicas %d" .name (int $a.minReplicas) (int $a.maxReplicas)) -}}
{{- end -}}
{{- if and (eq $a.mode "hpa") (lt (int $a.minReplicas) 1) -}}
{{- fail (printf "workers.pools[%s].autoscaling: mode hpa needs minReplicas >= 1 (use mode scaler or keda to scale to zero)" .name) -}}
{{- end -}}
{{- $streamsSource := and (eq $a.mode "keda") (eq $a.keda.source "streams") -}}
{{- $scalerSource := and (eq $a.mode "keda") (eq $a.keda.source "scaler") -}}
{{- if and $streamsSource (not $a.keda.streams) -}}
{{- fail (printf "workers.pools[%s].autoscaling.keda.streams is empty: list the Redis Streams (one per model version) the pool consumes, or use keda.source scaler (follows aliases)" .name) -}}
{{- end -}}
{{- if and $scalerSource $a.keda.streams -}}
{{- fail (printf "workers.pools[%s].autoscaling.keda.streams is set but keda.source is scaler (the default): set keda.source: streams to keep one trigger per stream, or drop keda.streams" .name) -}}
{{- end -}}
{{- if and $scalerSource (not $.Values.scaler.enabled) -}}
{{- fail (printf "workers.pools[%s].autoscaling.keda.source is scaler but scaler.enabled is false: the scaler serves the backlog KEDA reads (or use keda.source streams)" .name) -}}
{{- end -}}
{{- if and $scalerSource (gt (int $a.keda.fallbackReplicas) (int $a.maxReplicas)) -}}
{{- fail (printf "workers.pools[%s].autoscaling.keda.fallbackReplicas %d is above maxReplicas %d" .name (int $a.keda.fallbackReplicas) (int $a.maxReplicas)) -}}
{{- end -}}
{{- if and $streamsSource $.Values.redis.existingSecret (not $.Values.redis.inChart.enabled) (not $a.keda.address) -}}
{{- fail (printf "workers.pools[%s].autoscaling.keda.address is empty: with redis.existingSecret the chart cannot know the Redis address KEDA should read" .name) -}}
{{- end -}}
{{- if and (eq $a.mode "scaler") (not $.Values.scaler.enabled) -}}
{{- fail (printf "workers.pools[%s].autoscaling.mode is scaler but scaler.enabled is false" .name) -}}
{{- end -}}
{{- if has "cuda" .executionProviders -}}
{{- $gpu := false -}}
{{- range $k, $_ := (.resources.limits | default dict) -}}
{{- if hasPrefix "nvidia.com/" $k -}}{{- $gpu = true -}}{{- end -}}
{{- end -}}
{{- if not $gpu -}}
{{- fail (printf "workers.pools[%s] asks for the cuda execution provider but resources.limits has no nvidia.com/* GPU; without one the worker silently runs on CPU" .name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
