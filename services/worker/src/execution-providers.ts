import * as ort from 'onnxruntime-node';
import type { Logger } from '@maas/logging';
import { cudaProbeModel } from './cuda-probe-model';
import type { BatchTiming } from './batch-calibration';
import type { WorkerMetrics } from './metrics';
import type { VersionSettings } from './model-source';

/** The providers the worker knows. */
export type ExecutionProvider = 'cpu' | 'cuda';

/** A session and the provider it actually runs on. */
export interface CreatedSession {
  session: ort.InferenceSession;
  executionProvider: ExecutionProvider;
  /** Time per item at each batch size, measured at load (batch-calibration.ts): seeds the batch-size tuner. */
  calibration?: BatchTiming[];
}

const QUIET = { logSeverityLevel: 4 as const };

/**
 * Decides once, at start-up, which provider this worker runs on. With cuda configured it creates a tiny
 * session on CUDA; when that fails (no provider library, no libcublas, no GPU) it logs one clear line,
 * counts maas_execution_provider_fallbacks_total{requested="cuda",used="cpu"} and returns cpu. ORT
 * 1.29 fails a ['cuda','cpu'] session outright instead of falling back, hence this probe.
 */
export async function probeExecutionProvider(configured: readonly string[], logger: Logger, metrics: WorkerMetrics): Promise<{ provider: ExecutionProvider; cudaError?: string }> {
  if (!configured.includes('cuda')) return { provider: 'cpu' };
  try {
    const session = await ort.InferenceSession.create(cudaProbeModel(), { executionProviders: ['cuda'], ...QUIET });
    await session.release();
    logger.info({ executionProvider: 'cuda' }, 'CUDA execution provider available; models run on the GPU');
    return { provider: 'cuda' };
  } catch (err) {
    const cudaError = err instanceof Error ? err.message : String(err);
    if (!configured.includes('cpu')) throw new Error(`MAAS_WORKER_EXECUTION_PROVIDERS=${configured.join(',')}: CUDA cannot start (${cudaError}) and cpu is not allowed`);
    logger.warn({ requested: 'cuda', used: 'cpu', reason: cudaError }, 'CUDA execution provider unavailable; falling back to CPU for every model');
    metrics.executionProviderFallbacks.inc({ requested: 'cuda', used: 'cpu' });
    return { provider: 'cpu', cudaError };
  }
}

/**
 * Creates an ORT session with the version's settings (threads, graph optimization) on the best provider
 * both the version and this worker allow; a CUDA session that fails to start is retried on CPU.
 */
export async function createSession(modelPath: string, settings: VersionSettings, workerProvider: ExecutionProvider, logger: Logger, metrics: WorkerMetrics): Promise<CreatedSession> {
  const wanted = settings.executionProviders.length > 0 ? settings.executionProviders : [workerProvider];
  const useCuda = workerProvider === 'cuda' && wanted.includes('cuda');
  const options: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: settings.graphOptimizationLevel,
    ...(settings.intraOpThreads > 0 ? { intraOpNumThreads: settings.intraOpThreads } : {}),
    ...(settings.interOpThreads > 0 ? { interOpNumThreads: settings.interOpThreads } : {}),
    ...QUIET,
  };
  if (useCuda) {
    try {
      return { session: await ort.InferenceSession.create(modelPath, { ...options, executionProviders: ['cuda'] }), executionProvider: 'cuda' };
    } catch (err) {
      logger.warn({ modelPath, err: (err as Error).message }, 'model cannot run on CUDA; using CPU for it');
      metrics.executionProviderFallbacks.inc({ requested: 'cuda', used: 'cpu' });
    }
  }
  return { session: await ort.InferenceSession.create(modelPath, { ...options, executionProviders: ['cpu'] }), executionProvider: 'cpu' };
}
