import type * as grpc from '@grpc/grpc-js';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { CancelledError, UnavailableError } from '@maas/errors';
import { InferenceError, toClientError } from './client-errors';
import { buildInferRequest, inferResultOf, type InferOptions, type InferResult, type WireInferResponse } from './infer-request';
import type { InferInputs } from './tensors';

/** Options of a ModelStreamInfer stream. */
export interface StreamOptions {
  /** Deadline of the whole stream from now; none when unset (streams are long-lived). */
  timeoutMs?: number;
  /** Cancels the stream: every pending inference rejects with a CancelledError. */
  signal?: AbortSignal;
  /** Extra metadata (headers) for the stream. */
  metadata?: Record<string, string>;
}

interface Pending {
  resolve: (r: InferResult) => void;
  reject: (err: unknown) => void;
}

type StreamCall = grpc.ClientDuplexStream<unknown, { error_message: string; infer_response?: WireInferResponse | null }>;

/**
 * One ModelStreamInfer call. Each infer() writes a request with its own id and resolves with the response of
 * that id, in whatever order the server answers. A per-request error rejects that request only (the server
 * sends just a message: the error's code is UNKNOWN); a stream error rejects every pending request.
 */
export class InferStream {
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private failure: unknown;

  constructor(
    private readonly call: StreamCall,
    signal: AbortSignal | undefined,
  ) {
    call.on('data', (msg) => {
      const res = msg.infer_response;
      const p = res ? this.pending.get(res.id) : undefined;
      if (!res || !p) return;
      this.pending.delete(res.id);
      if (msg.error_message) p.reject(new InferenceError(GrpcStatus.UNKNOWN, msg.error_message));
      else {
        try {
          p.resolve(inferResultOf(res));
        } catch (err) {
          p.reject(err);
        }
      }
    });
    call.on('error', (err) => this.failAll(toClientError(err, signal)));
    call.on('end', () => this.failAll(new UnavailableError('the server ended the stream before answering')));
    const onAbort = (): void => {
      this.failAll(new CancelledError('stream cancelled by the caller (AbortSignal)', { cause: signal?.reason }));
      call.cancel();
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  }

  /** Sends one inference on the stream and resolves with its result. Per-call deadlines do not apply here. */
  infer(model: string, inputs: InferInputs, options: Omit<InferOptions, 'timeoutMs' | 'deadline' | 'signal' | 'metadata'> = {}): Promise<InferResult> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = options.id ?? `s${this.nextId++}`;
    if (this.pending.has(id)) return Promise.reject(new InferenceError(GrpcStatus.INVALID_ARGUMENT, `request id ${id} is already pending on this stream`));
    let request: object;
    try {
      request = buildInferRequest(model, inputs, { ...options, id });
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<InferResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.call.write(request);
    });
  }

  /** Requests still waiting for their answer. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Half-closes the stream: requests already sent are still answered; resolves once the server ends it. */
  end(): Promise<void> {
    return new Promise((resolve) => {
      if (this.failure !== undefined) return resolve();
      this.call.once('end', () => resolve());
      this.call.once('error', () => resolve());
      this.call.end();
    });
  }

  private failAll(err: unknown): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
