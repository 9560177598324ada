import { status } from '@grpc/grpc-js';
import { applyRollback, applySet, validateTargets } from './aliases';
import { normalizeArtifactPath, validateModelName } from './names';
import { hasBatchDim } from './onnx-inspect';
import { validatePipelineSpec } from './pipeline-spec';
import { normalizeVersionConfig, versionConfigProblems } from './version-config';

const codeOf = (fn: () => unknown): number | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { code: number }).code;
  }
};

describe('names', () => {
  it('accepts DNS labels and explains what is wrong otherwise', () => {
    for (const ok of ['a', 'ocr-cls', 'bert-base-2', 'x'.repeat(63)]) expect(codeOf(() => validateModelName(ok))).toBeUndefined();
    expect(() => validateModelName('Ocr_Cls')).toThrow(/invalid model name "Ocr_Cls": it may contain only lower-case letters, digits and "-"/);
    expect(() => validateModelName('x'.repeat(64))).toThrow(/64 characters long; at most 63/);
    for (const bad of ['', '-a', 'a-', 'a.b', '../x']) expect(codeOf(() => validateModelName(bad))).toBe(status.INVALID_ARGUMENT);
  });

  it('keeps bundle paths inside the version folder', () => {
    expect(normalizeArtifactPath('./vocab.txt')).toEqual({ path: 'vocab.txt' });
    expect(normalizeArtifactPath('tokenizer/vocab.txt')).toEqual({ path: 'tokenizer/vocab.txt' });
    for (const bad of ['../etc/passwd', '/etc/passwd', 'a/../../b', '.hidden', 'version.json', 'a//b', '']) expect(normalizeArtifactPath(bad)).toHaveProperty('problem');
  });
});

describe('aliases', () => {
  const exists = (v: number): boolean => v <= 4;
  it('validates canary splits', () => {
    expect(validateTargets('m', 'production', [{ version: 3 }], exists)).toEqual([{ version: 3, weight: 100 }]);
    expect(validateTargets('m', 'production', [{ version: 3, weight: 90 }, { version: 4, weight: 10 }], exists)).toHaveLength(2);
    expect(() => validateTargets('m', 'p', [{ version: 3, weight: 90 }, { version: 4, weight: 20 }], exists)).toThrow(/weights sum to 110/);
    expect(() => validateTargets('m', 'p', [{ version: 3, weight: 50 }, { version: 3, weight: 50 }], exists)).toThrow(/names version 3 twice/);
    expect(() => validateTargets('m', 'p', [{ version: 3, weight: 100 }, { version: 4, weight: 0 }], exists)).toThrow(/weight 0; each weight is a percentage 1..100/);
    expect(codeOf(() => validateTargets('m', 'p', [{ version: 9 }], exists))).toBe(status.FAILED_PRECONDITION);
    expect(() => validateTargets('m', 'p', [], exists)).toThrow(/at least one target/);
  });

  it('keeps history and walks it back on rollback', () => {
    const a1 = applySet(undefined, 'm', 'production', [{ version: 1, weight: 100 }], 'alice', 1000, 50);
    const a2 = applySet(a1, 'm', 'production', [{ version: 2, weight: 100 }], 'bob', 2000, 50);
    const a3 = applySet(a2, 'm', 'production', [{ version: 3, weight: 100 }], 'carol', 3000, 50);
    expect(a3.revision).toBe(3);
    expect(a3.history.map((h) => [h.targets[0]!.version, h.actor, h.unix_ms])).toEqual([[2, 'bob', 2000], [1, 'alice', 1000]]);
    const r1 = applyRollback(a3, 'dave', 4000, exists);
    expect([r1.targets[0]!.version, r1.revision, r1.history.length, r1.updated_by]).toEqual([2, 4, 1, 'dave']);
    const r2 = applyRollback(r1, 'dave', 5000, exists);
    expect(r2.targets[0]!.version).toBe(1);
    expect(() => applyRollback(r2, 'dave', 6000, exists)).toThrow(/no earlier target/);
    expect(() => applyRollback(a3, 'x', 1, (v) => v !== 2)).toThrow(/earlier target version 2 was deleted/);
    expect(applySet(a3, 'm', 'production', [{ version: 4, weight: 100 }], 'e', 7000, 2).history).toHaveLength(2);
  });
});

describe('version config', () => {
  it('fills defaults and finds every problem', () => {
    const config = normalizeVersionConfig({ batching: { max_batch_size: 4, preferred_batch_sizes: [2, 8] }, runtime: { graph_optimization_level: 'max' } });
    expect(config.runtime?.execution_providers).toEqual([]);
    const problems = versionConfigProblems(config, false);
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/needs a model whose dim 0 is a dynamic batch dimension/);
    expect(problems.join('\n')).toMatch(/preferred_batch_sizes holds 8/);
    expect(problems.join('\n')).toMatch(/graph_optimization_level "max"/);
    expect(versionConfigProblems(config, undefined)).toHaveLength(2);
    expect(versionConfigProblems(normalizeVersionConfig(null), false)).toEqual([]);
  });

  it('checks pipeline specs with the preprocessing library', () => {
    const ok = {
      input: { kind: 'image', name: 'image' },
      preprocess: [{ op: 'decode' }, { op: 'resize', height: 48, keepAspect: true, maxWidth: 192 }, { op: 'to_tensor', name: 'x', layout: 'CHW' }],
      postprocess: [{ op: 'softmax' }, { op: 'top_k', k: 1 }],
    };
    const problems = validatePipelineSpec(ok);
    expect(problems).toEqual([]);
    expect(validatePipelineSpec({ input: { kind: 'image' }, preprocess: [{ op: 'resize', height: -3 }] })[0]).toMatch(/^pipeline_json: .*resize/);
    expect(validatePipelineSpec({ steps: [{}] })).toHaveLength(1);
    expect(validatePipelineSpec('text')).toHaveLength(1);
  });

  it('calls dim 0 a batch dim only when every tensor has it dynamic', () => {
    const t = (shape: number[]) => ({ name: 't', datatype: 'FP32', shape });
    expect(hasBatchDim([t([-1, 3])], [t([-1, 2])])).toBe(true);
    expect(hasBatchDim([t([-1, 3])], [t([1, 2])])).toBe(false);
    expect(hasBatchDim([t([-1]), t([])], [t([-1])])).toBe(false);
  });
});
