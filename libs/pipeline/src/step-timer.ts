/** Called after each step with the step's op and how long it took for the whole batch, in seconds. */
export type StepObserver = (op: string, seconds: number) => void;

/** Runs fn, reports its duration under `op`, and returns its result. */
export async function timed<T>(op: string, observe: StepObserver | undefined, fn: () => Promise<T> | T): Promise<T> {
  const started = process.hrtime.bigint();
  try {
    return await fn();
  } finally {
    observe?.(op, Number(process.hrtime.bigint() - started) / 1e9);
  }
}
