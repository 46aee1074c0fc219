/**
 * Runs tasks one after another per sender. A request stored in slices
 * (MetricStore.ingestInSlices) yields to the event loop between slices; a
 * second request from the same sender must not be stored in between, or
 * its points could land before the first request's later points and make
 * a series go out of order. Requests from other senders run in between.
 */
export class SenderQueue {
  /** Sender key -> the promise of the last task queued for it. */
  private readonly tails = new Map<string, Promise<void>>();

  /** True while a task for any of these senders is queued or running. */
  busy(keys: readonly string[]): boolean {
    return keys.some((k) => this.tails.has(k));
  }

  get size(): number {
    return this.tails.size;
  }

  /**
   * Run `task` once every earlier task for any of `keys` has finished. Tails
   * are set synchronously, so tasks are ordered by the time they were
   * queued; a task waiting on several senders cannot deadlock.
   */
  async run<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const before = keys.map((k) => this.tails.get(k)).filter((p) => p !== undefined);
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    for (const k of keys) this.tails.set(k, done);
    try {
      if (before.length > 0) await Promise.all(before);
      return await task();
    } finally {
      release();
      for (const k of keys) if (this.tails.get(k) === done) this.tails.delete(k);
    }
  }
}
