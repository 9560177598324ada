import type { Logger } from '@maas/logging';

/**
 * Runs `stop` once on SIGTERM or SIGINT (Kubernetes sends SIGTERM, a terminal Ctrl-C), then exits 0; a
 * second signal exits at once. Unhandled rejections are logged and end the process with code 1 so a
 * supervisor restarts it rather than leaving it half-broken.
 */
export function installShutdownHandlers(logger: Logger, stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal; exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop(signal).then(
      () => {
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled rejection');
    logger.flush();
    process.exit(1);
  });
}

/** Runs an async main; a start-up failure (bad config, port in use) is printed plainly and exits 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
