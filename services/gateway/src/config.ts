import { authSettings } from '@maas/auth';
import { boolean, decimal, integer, port, string } from '@maas/config';
import { redisSettings } from '@maas/queue';

/** The gateway's own settings (the common ones come from @maas/runtime). */
export const gatewaySettings = {
  httpPort: port(8000, 'HTTP/JSON (KServe v2 REST) listen port'),
  ...redisSettings,
  gatewayId: string('', 'id of this gateway instance (its reply stream); default <host>-<grpc port>'),
  queueMaxDepth: integer(1000, 'per model version: jobs waiting or running before new ones are refused with RESOURCE_EXHAUSTED', 1, 1_000_000),
  defaultTimeoutMs: integer(30_000, 'deadline for requests that carry none', 1, 3_600_000),
  ...authSettings,
  rateLimitPerSecond: decimal(0, 'default per-key request rate (0 = unlimited); a key entry may override it'),
  rateLimitBurst: integer(0, 'default per-key burst (0 = same as the rate)', 0, 1_000_000),
  localPostprocess: boolean(true, 'run pipelines\' postprocessing (softmax, top-k with labels, CTC decode) in the gateway, saving a round trip to maas-preprocess per request; false = always call maas-preprocess'),
  accessLog: boolean(false, 'log one line per answered request at info (failures are always logged); off, they are logged at debug: a line per request costs ~25% of the gateway\'s CPU per request on a small machine'),
  queueOutageGraceMs: integer(10_000, 'after this long without Redis, requests waiting for a reply fail UNAVAILABLE (retryable) instead of waiting on; shorter outages are ridden out and lost jobs resubmitted', 1000, 600_000),
  fastInfer: boolean(true, 'serve ModelInfer on the fast gRPC path (read, decoded and answered on the HTTP/2 stream, without grpc-js\'s per-call machinery; same port, TLS, limits and metrics); calls it does not take (compressed ones) and every other method stay with grpc-js; false = grpc-js serves everything'),
  catalogTtlMs: integer(30_000, 'how long a resolved model stays cached when no change event arrives (a NOT_FOUND answer: at most 1 s)', 100, 3_600_000),
};
