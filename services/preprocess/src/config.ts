import { integer } from '@maas/config';

/** The preprocessing service's own settings (the common ones come from @maas/runtime). */
export const preprocessSettings = {
  preprocessMaxItems: integer(1024, 'most raw items one Preprocess call may carry (a batch of N)', 1, 1_000_000),
  preprocessPipelineCacheSize: integer(64, 'model versions whose loaded pipeline (spec, tokenizer, labels) stays cached', 1, 100_000),
  preprocessRegistryTimeoutMs: integer(10_000, 'deadline of each registry call that fetches a pipeline spec or side file', 100, 600_000),
  preprocessWatchRetryMs: integer(2_000, 'delay before re-opening the registry change feed after it broke', 100, 600_000),
};
