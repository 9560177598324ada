/**
 * A FIFO async mutex. The registry serializes every metadata change through one, so version numbers are
 * allocated once, alias revisions increase by one, and the event log's order is the order of changes.
 * Uploads stream and validate outside it; only their commit runs inside.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `fn` after every earlier caller's fn has settled; returns its result. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
