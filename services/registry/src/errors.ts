import { status as GrpcStatus } from '@grpc/grpc-js';
import { MaasError } from '@maas/errors';

/**
 * A Watch resume token older than the retained history (or from another repository). The client must
 * re-read state and watch again with an empty token. @maas/errors has no OUT_OF_RANGE class because only
 * the registry's change feed needs one.
 */
export class OutOfRangeError extends MaasError {
  override readonly code = GrpcStatus.OUT_OF_RANGE;
}
