{{/*
Security wiring shared by every component: TLS files, the services' registry key, the Consul token and CA,
and the registry's keys file. Paths are fixed; only the Secrets behind them differ per component.
*/}}

{{/* Secret holding a component's tls.crt/tls.key/ca.crt: the shared one, or the component's cert-manager one. (dict "root" $ "component" "gateway") */}}
{{- define "maas.tlsSecretName" -}}
{{- if .root.Values.tls.certManager.enabled -}}
{{- include "maas.componentName" (dict "root" .root "name" (printf "%s-tls" .component)) -}}
{{- else -}}
{{- required "tls.enabled needs tls.existingSecret (a Secret with tls.crt, tls.key and ca.crt) or tls.certManager.enabled" .root.Values.tls.existingSecret -}}
{{- end -}}
{{- end -}}

{{/* Env of every component (called from maas.env.common with the root context). */}}
{{- define "maas.env.security" -}}
{{- if .Values.tls.enabled }}
- name: MAAS_TLS_CERT_FILE
  value: /etc/maas/tls/tls.crt
- name: MAAS_TLS_KEY_FILE
  value: /etc/maas/tls/tls.key
- name: MAAS_TLS_CA_FILE
  value: /etc/maas/tls/ca.crt
- name: MAAS_TLS_CLIENT_AUTH
  value: {{ .Values.tls.clientAuth | quote }}
{{- end }}
{{- if .Values.consul.tokenSecret }}
- name: MAAS_CONSUL_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ .Values.consul.tokenSecret }}
      key: {{ .Values.consul.tokenSecretKey }}
{{- end }}
{{- if .Values.consul.caSecret }}
- name: MAAS_CONSUL_CA_FILE
  value: {{ printf "/etc/maas/consul-ca/%s" .Values.consul.caSecretKey | quote }}
{{- end }}
{{- if and .Values.auth.enabled .Values.auth.serviceKey.existingSecret }}
- name: MAAS_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.auth.serviceKey.existingSecret }}
      key: {{ .Values.auth.serviceKey.existingSecretKey }}
{{- end }}
{{- end -}}

{{/* The registry's auth env: the same keys file as the gateway's. */}}
{{- define "maas.env.registryAuth" -}}
- name: MAAS_AUTH_ENABLED
  value: {{ .Values.auth.enabled | quote }}
{{- if .Values.auth.enabled }}
- name: MAAS_AUTH_KEYS_FILE
  value: {{ printf "/etc/maas/auth/%s" .Values.auth.existingSecretKey | quote }}
{{- end }}
{{- end -}}

{{/* volumeMounts of a component. (dict "root" $ "component" "registry") */}}
{{- define "maas.securityVolumeMounts" -}}
{{- if .root.Values.tls.enabled }}
- name: tls
  mountPath: /etc/maas/tls
  readOnly: true
{{- end }}
{{- if .root.Values.consul.caSecret }}
- name: consul-ca
  mountPath: /etc/maas/consul-ca
  readOnly: true
{{- end }}
{{- if and (eq .component "registry") .root.Values.auth.enabled }}
- name: auth
  mountPath: /etc/maas/auth
  readOnly: true
{{- end }}
{{- end -}}

{{/* volumes of a component. (dict "root" $ "component" "registry") */}}
{{- define "maas.securityVolumes" -}}
{{- if .root.Values.tls.enabled }}
- name: tls
  secret:
    secretName: {{ include "maas.tlsSecretName" . }}
    defaultMode: 0440
    items:
      - key: tls.crt
        path: tls.crt
      - key: tls.key
        path: tls.key
      - key: ca.crt
        path: ca.crt
{{- end }}
{{- if .root.Values.consul.caSecret }}
- name: consul-ca
  secret:
    secretName: {{ .root.Values.consul.caSecret }}
    defaultMode: 0440
    items:
      - key: {{ .root.Values.consul.caSecretKey }}
        path: {{ .root.Values.consul.caSecretKey }}
{{- end }}
{{- if and (eq .component "registry") .root.Values.auth.enabled }}
- name: auth
  secret:
    secretName: {{ include "maas.authSecretName" .root }}
    defaultMode: 0440
    items:
      - key: {{ .root.Values.auth.existingSecretKey }}
        path: {{ .root.Values.auth.existingSecretKey }}
{{- end }}
{{- end -}}
