import { InvalidArgumentError } from '@maas/errors';
import type { RegistryModelVersion, RegistryTensorSpec } from '@maas/protos';
import { formatShape, shapeMatches } from '@maas/tensor';

const list = (specs: readonly RegistryTensorSpec[]): string => specs.map((s) => `"${s.name}" ${s.datatype}${formatShape(s.shape)}`).join(', ');

const where = (version: RegistryModelVersion): string => `model "${version.model}" version ${version.version}`;

/** The tensor of that name; a linear scan, since models declare a handful of tensors (no Map per request). */
function findSpec<T extends { name: string }>(specs: readonly T[], name: string): T | undefined {
  for (const spec of specs) if (spec.name === name) return spec;
  return undefined;
}

/**
 * Checks inputs (their headers: name, datatype, shape) against a version's declared inputs: every input known and present once, datatype
 * equal, shape matching (-1 = any), one batch size across inputs, batch ≤ max_batch_size. Requested outputs
 * must exist. Each error names the tensor and what was expected. A request that passes allocates nothing
 * here (it runs once per request on the hot path); the messages are built only to throw.
 */
export function validateAgainstModel(version: RegistryModelVersion, inputs: ReadonlyArray<{ name: string; datatype: string; shape: readonly number[] }>, requestedOutputs: readonly string[]): void {
  for (const t of inputs) {
    const spec = findSpec(version.inputs, t.name);
    if (!spec) throw new InvalidArgumentError(`unknown input "${t.name}": ${where(version)} expects ${list(version.inputs)}`, { details: { tensor: t.name } });
    if (t.datatype !== spec.datatype) {
      throw new InvalidArgumentError(`input "${t.name}": datatype ${t.datatype} does not match ${where(version)}: expected ${spec.datatype}`, { details: { tensor: t.name } });
    }
    if (!shapeMatches(spec.shape, t.shape)) {
      throw new InvalidArgumentError(`input "${t.name}": shape ${formatShape(t.shape)} does not match ${where(version)}: expected ${formatShape(spec.shape)} (-1 = any size)`, { details: { tensor: t.name } });
    }
  }
  for (const spec of version.inputs) {
    if (findSpec(inputs, spec.name)) continue;
    const missing = version.inputs.filter((s) => !findSpec(inputs, s.name));
    throw new InvalidArgumentError(`missing input ${missing.map((s) => `"${s.name}" ${s.datatype}${formatShape(s.shape)}`).join(', ')} for ${where(version)}`);
  }

  if (version.batch_dim && inputs.length > 0) {
    const batch = inputs[0]!.shape[0] ?? 0;
    for (const t of inputs) {
      if (t.shape[0] !== batch) {
        throw new InvalidArgumentError(`input "${t.name}": batch size ${t.shape[0]} differs from input "${inputs[0]!.name}" (${batch}); every input must have the same dim 0`);
      }
    }
    const max = version.config?.batching?.max_batch_size ?? 0;
    if (max > 0 && batch > max) {
      throw new InvalidArgumentError(`input "${inputs[0]!.name}": batch size ${batch} is over the maximum of ${max} for ${where(version)}`, { details: { tensor: inputs[0]!.name } });
    }
    if (batch === 0) throw new InvalidArgumentError(`input "${inputs[0]!.name}": batch size 0: expected at least one row`);
  }
  for (const name of requestedOutputs) {
    if (!findSpec(version.outputs, name)) throw new InvalidArgumentError(`unknown output "${name}" requested: ${where(version)} has ${list(version.outputs)}`);
  }
}
