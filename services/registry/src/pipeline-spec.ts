import { validatePipelineSpec as validateWithPipelineLib } from '@maas/pipeline';

/**
 * Checks a version's pre/post-processing pipeline (VersionConfig.pipeline_json, already parsed) at upload
 * and config-update time with the preprocessing library's own validator, so a spec the preprocess service
 * would refuse never gets stored. Returns every problem found (empty = valid), each naming the step and field.
 */
export function validatePipelineSpec(spec: unknown): string[] {
  try {
    validateWithPipelineLib(spec);
    return [];
  } catch (err) {
    return [`pipeline_json: ${(err as Error).message}`];
  }
}
