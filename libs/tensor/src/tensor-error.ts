import { InvalidArgumentError } from '@maas/errors';

/** What was wrong with a tensor; stable strings for logs, metrics and tests. */
export type TensorErrorReason =
  | 'unknown_datatype'
  | 'bad_shape'
  | 'byte_size_mismatch'
  | 'contents_length_mismatch'
  | 'contents_and_raw'
  | 'missing_data'
  | 'wrong_contents_field'
  | 'bad_value'
  | 'bad_bytes_framing'
  | 'datatype_mismatch'
  | 'shape_mismatch'
  | 'bad_batch';

/** Fields of a TensorError besides its reason. */
export interface TensorErrorInit {
  /** Name of the tensor the error is about. */
  tensorName: string;
  /** What the protocol or model expected, in words a caller can act on ("24 bytes", "[-1,3]"). */
  expected: string;
  /** What the request carried. */
  got: string;
  cause?: unknown;
}

/**
 * A tensor that breaks the protocol or the model's contract: unknown datatype, negative dimension,
 * data size not matching shape × datatype, and so on. Maps to gRPC INVALID_ARGUMENT (HTTP 400); the
 * message names the tensor and says what was expected and what was received.
 */
export class TensorError extends InvalidArgumentError {
  /** Name of the tensor the error is about. */
  readonly tensorName: string;
  /** Machine-readable kind of problem. */
  readonly reason: TensorErrorReason;
  /** The problem in words, without tensor name and expected/got ("unknown datatype"). */
  readonly problem: string;
  /** What was expected. */
  readonly expected: string;
  /** What was received. */
  readonly got: string;

  constructor(reason: TensorErrorReason, what: string, init: TensorErrorInit) {
    super(`tensor '${init.tensorName}': ${what}: expected ${init.expected}, got ${init.got}`, {
      cause: init.cause,
      details: { tensor: init.tensorName, reason, expected: init.expected, got: init.got },
    });
    this.tensorName = init.tensorName;
    this.reason = reason;
    this.problem = what;
    this.expected = init.expected;
    this.got = init.got;
  }
}
