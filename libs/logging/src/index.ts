import pino from 'pino';

/** The structured JSON logger used everywhere; child loggers carry service, model and request id. */
export type Logger = pino.Logger;

/** Options for the root logger of a process. */
export interface LoggerOptions {
  /** Service name, put on every line as `service`. */
  service: string;
  /** pino level: trace, debug, info, warn, error, fatal, silent. Default info. */
  level?: string;
  /** Where lines go; default stdout. Tests pass a stream to read lines back. */
  destination?: pino.DestinationStream;
  /** Fields computed for every line (the runtime adds the active trace id when tracing is on). */
  mixin?: () => Record<string, unknown>;
}

/** Creates the process's root logger: one JSON object per line, ISO timestamps, errors serialized with cause. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.errWithCause },
      ...(options.mixin ? { mixin: options.mixin } : {}),
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

/** A logger that drops everything; for unit tests of code that needs one. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
