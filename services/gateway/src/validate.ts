import { InvalidArgumentError } from '@maas/errors';
import type { RegistryModelVersion, RegistryTensorSpec } from '@maas/protos';
import { formatShape, shapeMatches } from '@maas/tensor';

const list = (specs: readonly RegistryTensorSpec[]): string => specs.map((s) => `"${s.name}" ${s.datatype}${formatShape(s.shape)}`).join(', ');

/**
 * Checks inputs (their headers: name, datatype, shape) against a version's declared inputs: every input known and present once, datatype
 * equal, shape matching (-1 = any), one batch size across inputs, batch ≤ max_batch_size. Requested outputs
 * must exist. Each error names the tensor and what was expected.
 */
export function validateAgainstModel(version: RegistryModelVersion, inputs: ReadonlyArray<{ name: string; datatype: string; shape: readonly number[] }>, requestedOutputs: readonly string[]): void {
  const where = `model "${version.model}" version ${version.version}`;
  const specs = new Map(version.inputs.map((s) => [s.name, s]));
  for (const t of inputs) {
    const spec = specs.get(t.name);
    if (!spec) throw new InvalidArgumentError(`unknown input "${t.name}": ${where} expects ${list(version.inputs)}`, { details: { tensor: t.name } });
    if (t.datatype !== spec.datatype) {
      throw new InvalidArgumentError(`input "${t.name}": datatype ${t.datatype} does not match ${where}: expected ${spec.datatype}`, { details: { tensor: t.name } });
    }
    if (!shapeMatches(spec.shape, t.shape)) {
      throw new InvalidArgumentError(`input "${t.name}": shape ${formatShape(t.shape)} does not match ${where}: expected ${formatShape(spec.shape)} (-1 = any size)`, { details: { tensor: t.name } });
    }
  }
  const given = new Set(inputs.map((t) => t.name));
  const missing = version.inputs.filter((s) => !given.has(s.name));
  if (missing.length > 0) throw new InvalidArgumentError(`missing input ${missing.map((s) => `"${s.name}" ${s.datatype}${formatShape(s.shape)}`).join(', ')} for ${where}`);

  if (version.batch_dim && inputs.length > 0) {
    const batch = inputs[0]!.shape[0] ?? 0;
    for (const t of inputs) {
      if (t.shape[0] !== batch) {
        throw new InvalidArgumentError(`input "${t.name}": batch size ${t.shape[0]} differs from input "${inputs[0]!.name}" (${batch}); every input must have the same dim 0`);
      }
    }
    const max = version.config?.batching?.max_batch_size ?? 0;
    if (max > 0 && batch > max) {
      throw new InvalidArgumentError(`input "${inputs[0]!.name}": batch size ${batch} is over the maximum of ${max} for ${where}`, { details: { tensor: inputs[0]!.name } });
    }
    if (batch === 0) throw new InvalidArgumentError(`input "${inputs[0]!.name}": batch size 0: expected at least one row`);
  }
  const outputs = new Set(version.outputs.map((o) => o.name));
  for (const name of requestedOutputs) {
    if (!outputs.has(name)) throw new InvalidArgumentError(`unknown output "${name}" requested: ${where} has ${list(version.outputs)}`);
  }
}
