// Validates the custom resources in rendered chart output and k8s/ (a JSON array of manifests on stdin, from
// scripts/chart/test.sh) with the schemas @kubernetes-models generates from the prometheus-operator
// and KEDA Go API types: required fields, types and enums. Prints one line per resource and exits 1 on
// any invalid one, or on a custom resource kind it has no schema for.
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication";
import { PodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";

const models = {
  "keda.sh/v1alpha1/ScaledObject": ScaledObject,
  "keda.sh/v1alpha1/TriggerAuthentication": TriggerAuthentication,
  "monitoring.coreos.com/v1/PodMonitor": PodMonitor,
  "monitoring.coreos.com/v1/PrometheusRule": PrometheusRule,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor,
};

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const docs = JSON.parse(Buffer.concat(chunks).toString("utf8"));
let failed = 0;
let checked = 0;
for (const doc of docs) {
  if (!doc || !doc.apiVersion || !doc.apiVersion.includes(".")) continue;
  const group = doc.apiVersion.split("/")[0];
  if (!group.endsWith("keda.sh") && !group.endsWith("coreos.com")) continue;
  const key = `${doc.apiVersion}/${doc.kind}`;
  const Model = models[key];
  const name = `${doc.kind} ${doc.metadata?.name}`;
  if (!Model) {
    console.log(`no schema for ${key} (${name})`);
    failed++;
    continue;
  }
  try {
    new Model(doc).validate();
    checked++;
  } catch (err) {
    console.log(`${name} is invalid: ${err.message}`);
    failed++;
  }
}
console.log(`crd-validate: ${checked} valid, ${failed} invalid`);
process.exit(failed ? 1 : 0);
