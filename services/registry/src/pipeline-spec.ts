/**
 * The hook where a version's pre/post-processing pipeline (VersionConfig.pipeline_json) is checked at upload
 * and config-update time. The preprocessing service owns the real schema (issue 6); until its validator
 * lands here, this checks the shape every pipeline has: a JSON object holding at least one list of steps,
 * each step an object naming its kind. Replace the body, keep the signature: it returns every problem found
 * (empty = valid), each a sentence a user can act on.
 */
export function validatePipelineSpec(spec: unknown): string[] {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    return ['pipeline_json must be a JSON object, e.g. {"preprocess": [{"kind": "decode-image"}], "postprocess": [...]}'];
  }
  const problems: string[] = [];
  const stepLists = Object.entries(spec).filter(([, value]) => Array.isArray(value)) as Array<[string, unknown[]]>;
  if (stepLists.length === 0) problems.push('pipeline_json must hold at least one list of steps (e.g. "preprocess", "postprocess" or "steps")');
  for (const [list, steps] of stepLists) {
    steps.forEach((step, i) => {
      if (typeof step !== 'object' || step === null || Array.isArray(step)) {
        problems.push(`pipeline_json ${list}[${i}] must be an object`);
        return;
      }
      const kind = (step as Record<string, unknown>)['kind'] ?? (step as Record<string, unknown>)['op'] ?? (step as Record<string, unknown>)['type'];
      if (typeof kind !== 'string' || kind === '') problems.push(`pipeline_json ${list}[${i}] must name its step with a "kind" string`);
    });
  }
  return problems;
}
