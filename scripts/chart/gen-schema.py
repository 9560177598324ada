#!/usr/bin/env python3
"""Writes charts/maas/values.schema.json: the strict schema of the chart's values.

Every object with fixed keys has additionalProperties: false, so a misspelt or unknown key fails
`helm install/upgrade/template/lint`. Maps whose keys are the user's (labels, annotations,
nodeSelector, resources) keep typed values; `config` is the one open object because each service
validates its own MAAS_CONFIG_FILE. Descriptions come from the `# --` comments in values.yaml, so
the schema, the README table and values.yaml say the same thing.

Run: python3 scripts/chart/gen-schema.py [--check]
"""
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from values_doc import CHART, parse_docs  # noqa: E402

OUT = CHART / "values.schema.json"
DOCS = {}


def obj(props, required=()):
    o = {"type": "object", "additionalProperties": False, "properties": props}
    if required:
        o["required"] = list(required)
    return o


def string(**kw):
    return {"type": "string", **kw}


def integer(minimum=0, **kw):
    return {"type": "integer", "minimum": minimum, **kw}


BOOL = {"type": "boolean"}
PORT = {"type": "integer", "minimum": 1, "maximum": 65535}
DNS_LABEL = string(pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", maxLength=30)
STR_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
QUANTITY = {"type": ["string", "number"], "pattern": r"^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$"}
DURATION = string(pattern=r"^[0-9]+(ms|s|m|h)$")
RESOURCES = obj({
    "requests": {"type": "object", "additionalProperties": QUANTITY},
    "limits": {"type": "object", "additionalProperties": QUANTITY},
})
TOLERATIONS = {"type": "array", "items": obj({
    "key": string(), "operator": string(enum=["Exists", "Equal"]), "value": string(),
    "effect": string(enum=["NoSchedule", "PreferNoSchedule", "NoExecute"]),
    "tolerationSeconds": integer(),
})}
# The affinity terms themselves are Kubernetes types, checked by the API server (and by kubeconform in CI).
AFFINITY = obj({k: {"type": "object"} for k in ("nodeAffinity", "podAffinity", "podAntiAffinity")})
# A value, or a valueFrom (secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef) the API server checks.
EXTRA_ENV = {"type": "array", "items": {**obj({
    "name": string(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$"), "value": string(),
    "valueFrom": {"type": "object", "minProperties": 1, "maxProperties": 1}}, required=("name",)),
    "oneOf": [{"required": ["value"]}, {"required": ["valueFrom"]}]}}
# Kubernetes types the chart passes through whole (checked by the API server, and kubeconform in CI).
K8S_LIST = {"type": "array", "items": {"type": "object"}}
NAMED_LIST = {"type": "array", "items": {"type": "object", "required": ["name"]}}
STRATEGY = obj({
    "type": string(enum=["RollingUpdate", "Recreate"]),
    "rollingUpdate": obj({k: {"type": ["integer", "string"], "pattern": r"^[0-9]+%?$"} for k in ("maxSurge", "maxUnavailable")}),
}, required=("type",))
HPA = obj({"enabled": BOOL, "minReplicas": integer(minimum=1), "maxReplicas": integer(minimum=1),
           "targetCPUUtilizationPercentage": integer(minimum=1, maximum=100), "scaleDownStabilizationSeconds": integer()})
INGRESS = obj({
    "enabled": BOOL, "className": string(), "annotations": STR_MAP,
    "hosts": {"type": "array", "items": obj({
        "host": string(),
        "paths": {"type": "array", "minItems": 1, "items": obj({
            "path": string(pattern=r"^/"), "pathType": string(enum=["Prefix", "Exact", "ImplementationSpecific"]),
            "port": string(enum=["http", "grpc"])}, required=("path", "pathType", "port"))},
    }, required=("paths",))},
})
PARENT_REFS = {"type": "array", "items": obj({
    "group": string(), "kind": string(), "namespace": string(), "name": string(minLength=1),
    "sectionName": string(), "port": PORT}, required=("name",))}
HOSTNAMES = {"type": "array", "items": string(pattern=r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")}
HTTP_ROUTE = obj({
    "enabled": BOOL, "annotations": STR_MAP, "labels": STR_MAP, "parentRefs": PARENT_REFS, "hostnames": HOSTNAMES,
    "paths": {"type": "array", "minItems": 1, "items": obj({
        "type": string(enum=["PathPrefix", "Exact"]), "value": string(pattern=r"^/")}, required=("type", "value"))},
})
GRPC_ROUTE = obj({"enabled": BOOL, "annotations": STR_MAP, "labels": STR_MAP, "parentRefs": PARENT_REFS, "hostnames": HOSTNAMES})
CONFIG = {"type": "object", "description": "Service-owned settings (MAAS_CONFIG_FILE); the service validates them at start-up."}
LABEL_SELECTOR = obj({
    "matchLabels": STR_MAP,
    "matchExpressions": {"type": "array", "items": obj({
        "key": string(), "operator": string(enum=["In", "NotIn", "Exists", "DoesNotExist"]),
        "values": {"type": "array", "items": string()}}, required=("key", "operator"))},
})
PEERS = {"type": "array", "items": obj({
    "podSelector": LABEL_SELECTOR, "namespaceSelector": LABEL_SELECTOR,
    "ipBlock": obj({"cidr": string(), "except": {"type": "array", "items": string()}}, required=("cidr",)),
})}
SECCOMP = obj({"type": string(enum=["RuntimeDefault", "Localhost"]), "localhostProfile": string()}, required=("type",))
NON_ROOT_UID = integer(minimum=1)


def image(repo_required=True):
    return obj({"repository": string(minLength=1) if repo_required else string(), "tag": string(),
                "digest": string(pattern=r"^$|^sha256:[a-f0-9]{64}$")})


def probes():
    return obj({k: integer(minimum=1) for k in (
        "startupPeriodSeconds", "startupFailureThreshold", "periodSeconds", "timeoutSeconds",
        "livenessFailureThreshold", "readinessFailureThreshold")})


def pdb():
    return obj({"enabled": BOOL, "maxUnavailable": integer(minimum=1)})


def placement():
    return {"nodeSelector": STR_MAP, "tolerations": TOLERATIONS, "affinity": AFFINITY,
            "podAnnotations": STR_MAP, "extraEnv": EXTRA_ENV, "config": CONFIG, "resources": RESOURCES,
            "podLabels": STR_MAP, "topologySpreadConstraints": K8S_LIST, "extraVolumes": NAMED_LIST,
            "extraVolumeMounts": {"type": "array", "items": {"type": "object", "required": ["name", "mountPath"]}},
            "sidecars": {"type": "array", "items": {"type": "object", "required": ["name", "image"]}}}


def pool_fields():
    return {
        "replicas": integer(),
        "models": {"type": "array", "minItems": 1, "uniqueItems": True, "items": string(minLength=1, pattern=r"^[^,\s]+$")},
        "executionProviders": {"type": "array", "minItems": 1, "uniqueItems": True, "items": string(enum=["cuda", "cpu"])},
        "memoryBudgetBytes": integer(minimum=1),
        "image": image(repo_required=False),
        "runtimeClassName": string(),
        "priorityClassName": string(),
        "probes": probes(),
        "pdb": pdb(),
        "strategy": STRATEGY,
        "autoscaling": obj({
            "mode": string(enum=["none", "scaler", "hpa", "keda"]),
            "minReplicas": integer(),
            "maxReplicas": integer(minimum=1),
            "scaler": obj({
                "targetBacklogDrainSeconds": integer(minimum=1),
                "maxQueueWaitMs": integer(),
                "scaleUpStabilizationSeconds": integer(),
                "scaleDownStabilizationSeconds": integer(),
                "cooldownSeconds": integer(),
                "jobsPerWorkerPerSecond": {"type": "number", "exclusiveMinimum": 0},
            }),
            "hpa": obj({"targetCPUUtilizationPercentage": integer(minimum=1, maximum=100),
                        "scaleDownStabilizationSeconds": integer()}),
            "keda": obj({
                "source": string(enum=["scaler", "streams"]),
                "targetBacklogPerReplica": integer(minimum=1),
                "activationBacklog": integer(),
                "fallbackReplicas": integer(),
                "fallbackFailureThreshold": integer(minimum=1),
                "streams": {"type": "array", "uniqueItems": True, "items": string(minLength=1)},
                "consumerGroup": string(minLength=1),
                "pendingEntriesCount": integer(minimum=1),
                "lagCount": integer(),
                "activationLagCount": integer(),
                "pollingIntervalSeconds": integer(minimum=1),
                "cooldownPeriodSeconds": integer(),
                "authenticationRef": string(),
                "address": string(pattern=r"^$|^[^:/\s]+:[0-9]+$"),
            }),
        }),
        **placement(),
    }


def service(extra, replicas=True):
    props = {"image": image(), "grpcPort": PORT, "metricsPort": PORT, "probes": probes(), **placement(), **extra}
    if replicas:
        props["replicas"] = integer()
    return obj(props)


SCHEMA = obj({
    # Helm gives every chart the parent's `global`: rejecting it breaks umbrella charts and app-of-apps.
    "global": {"type": "object"},
    "nameOverride": string(), "fullnameOverride": string(maxLength=63), "commonLabels": STR_MAP,
    "image": obj({"registry": string(minLength=1), "tag": string(),
                  "pullPolicy": string(enum=["Always", "IfNotPresent", "Never"]),
                  "pullSecrets": {"type": "array", "items": string(minLength=1)}}),
    "logLevel": string(enum=["trace", "debug", "info", "warn", "error", "fatal"]),
    "shutdownGraceMs": integer(minimum=0),
    "otel": obj({
        "endpoint": string(pattern=r"^(https?://.*)?$"),
        "protocol": string(enum=["http/protobuf", "http/json"]),
        "sampler": string(enum=["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"]),
        "samplerArg": string(pattern=r"^(0(\.[0-9]+)?|1(\.0+)?)$"),
    }),
    "consul": obj({"url": string(pattern=r"^https?://"), "tokenSecret": string(), "tokenSecretKey": string(pattern=r"^[-._a-zA-Z0-9]+$"),
                   "caSecret": string(), "caSecretKey": string(pattern=r"^[-._a-zA-Z0-9]+$")}),
    "redis": obj({
        "url": string(pattern=r"^rediss?://"), "existingSecret": string(), "existingSecretKey": string(minLength=1),
        "sentinel": obj({"addresses": {"type": "array", "items": string(pattern=r"^[^:\s,]+:\d{1,5}$")}, "masterName": string(pattern=r"^[-\w.]*$")}),
        "existingSecretPasswordKey": string(),
        "inChart": obj({
            "enabled": BOOL,
            "image": obj({"repository": string(minLength=1), "tag": string(minLength=1),
                          "pullPolicy": string(enum=["Always", "IfNotPresent", "Never"])}),
            "resources": RESOURCES, "maxMemoryBytes": integer(),
        }),
    }),
    "auth": obj({"enabled": BOOL, "existingSecret": string(), "existingSecretKey": string(pattern=r"^[-._a-zA-Z0-9]+$"),
                 "keysFile": string(),
                 "serviceKey": obj({"existingSecret": string(), "existingSecretKey": string(pattern=r"^[-._a-zA-Z0-9]+$")})}),
    "tls": obj({
        "enabled": BOOL, "clientAuth": string(enum=["require", "none"]), "existingSecret": string(),
        "certManager": obj({
            "enabled": BOOL,
            "issuerRef": obj({"name": string(), "kind": string(enum=["Issuer", "ClusterIssuer"]), "group": string(minLength=1)}),
            "duration": string(pattern=r"^([0-9]+(\.[0-9]+)?(h|m|s))+$"), "renewBefore": string(pattern=r"^([0-9]+(\.[0-9]+)?(h|m|s))+$"),
        }),
    }),
    "serviceAccount": obj({"create": BOOL, "name": string(), "annotations": STR_MAP}),
    # The locked-down settings are constants: the chart does not offer a way to loosen them.
    "podSecurityContext": obj({
        "runAsNonRoot": {"const": True}, "runAsUser": NON_ROOT_UID, "runAsGroup": NON_ROOT_UID,
        "fsGroup": integer(), "fsGroupChangePolicy": string(enum=["OnRootMismatch", "Always"]),
        "supplementalGroups": {"type": "array", "items": integer()}, "seccompProfile": SECCOMP,
    }),
    "containerSecurityContext": obj({
        "runAsNonRoot": {"const": True}, "runAsUser": NON_ROOT_UID, "runAsGroup": NON_ROOT_UID,
        "privileged": {"const": False}, "allowPrivilegeEscalation": {"const": False},
        "readOnlyRootFilesystem": {"const": True},
        "capabilities": obj({"drop": {"type": "array", "contains": {"const": "ALL"}, "items": string()},
                             "add": {"type": "array", "maxItems": 0}}, required=("drop",)),
        "seccompProfile": SECCOMP,
    }, required=("runAsNonRoot", "allowPrivilegeEscalation", "readOnlyRootFilesystem", "capabilities")),
    "gateway": service({
        "httpPort": PORT, "queueMaxDepth": integer(minimum=1),
        "service": obj({"type": string(enum=["ClusterIP", "NodePort", "LoadBalancer"]), "annotations": STR_MAP}),
        "pdb": pdb(), "autoscaling": HPA, "ingress": INGRESS, "httpRoute": HTTP_ROUTE, "grpcRoute": GRPC_ROUTE,
    }),
    "registry": service({
        "maxArtifactBytes": integer(minimum=1),
        "persistence": obj({"storageClass": string(), "size": QUANTITY, "retainOnUninstall": BOOL,
                            "accessModes": {"type": "array", "minItems": 1, "items": string(
                                enum=["ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany", "ReadOnlyMany"])}}),
    }, replicas=False),
    "preprocess": service({"enabled": BOOL, "pdb": pdb(), "autoscaling": HPA}),
    "workers": obj({
        "image": image(), "grpcPort": PORT, "metricsPort": PORT, "cacheSizeLimit": QUANTITY,
        "poolDefaults": obj(pool_fields()),
        "pools": {"type": "array", "minItems": 1,
                  "items": obj({"name": DNS_LABEL, **pool_fields()}, required=("name",))},
    }),
    "scaler": service({"enabled": BOOL, "dryRun": BOOL, "backlogPort": PORT}),
    "networkPolicy": obj({"enabled": BOOL, "gatewayFrom": PEERS, "registryFrom": PEERS,
                          "consulFrom": PEERS, "metricsFrom": PEERS, "kedaFrom": PEERS}),
    "monitoring": obj({
        "serviceMonitor": obj({"enabled": BOOL, "labels": STR_MAP, "interval": DURATION, "scrapeTimeout": DURATION}),
        "podMonitor": obj({"enabled": BOOL}),
        "prometheusRule": obj({"enabled": BOOL, "labels": STR_MAP, "runbookBaseUrl": string(pattern=r"^https?://")}),
        "slo": obj({"availabilityObjective": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
                    "latencyObjective": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}}),
        "dashboards": obj({"enabled": BOOL, "label": string(minLength=1), "labelValue": string(), "folder": string()}),
    }),
    "tests": obj({"image": string(minLength=1)}),
})


def describe(node, path):
    """Copies values.yaml's `# --` text onto the schema node at each documented path."""
    if path in DOCS and "description" not in node:
        node["description"] = DOCS[path]
    for key, child in node.get("properties", {}).items():
        describe(child, f"{path}.{key}" if path else key)
    items = node.get("items")
    if isinstance(items, dict):
        describe(items, f"{path}[]")


def main():
    DOCS.update({d.path: d.text for d in parse_docs()})
    schema = {"$schema": "http://json-schema.org/draft-07/schema#", "title": "maas chart values", **SCHEMA}
    describe(schema, "")
    text = json.dumps(schema, indent=2) + "\n"
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT} is stale: run python3 scripts/chart/gen-schema.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
