/**
 * One remote-write endpoint: a queue bounded in bytes, split into shards
 * (one per --remote-write-concurrency) by sender, so the samples of one
 * series always leave in the order they were accepted; one worker per shard
 * batches up to --remote-write-max-batch-samples, compresses with snappy
 * and POSTs, retrying what the database may accept later.
 *
 * Retries: network errors, timeouts, 5xx and 429, with exponential backoff
 * and full jitter (Retry-After wins when the database sends one). Other 4xx
 * mean the data itself is refused: retrying cannot help, so the batch is
 * dropped, counted and the database's message logged (once per minute).
 */
import { compress } from 'snappyjs';
import type { Chunk } from './convert.js';
import type { Endpoint } from './endpoint.js';
import { redactText, retryAfterMs } from './endpoint.js';
import type { RemoteWriteMetrics } from './metrics.js';
import { REMOTE_WRITE_METRICS } from '../self-metric-names.js';

export interface RemoteSettings {
  readonly queueBytes: number;
  readonly maxBatchSamples: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
  /** First backoff; doubles per failed attempt up to maxBackoffMs. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

export interface RemoteLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

class Shard {
  readonly chunks: Chunk[] = [];
  head = 0;
  /** Oldest sample of the batch being sent, for the lag metric. */
  inFlightOldestMs = Infinity;
  /** Samples of the batch being sent. */
  inFlightSamples = 0;
  wake: (() => void) | undefined;

  get length(): number {
    return this.chunks.length - this.head;
  }

  shift(): Chunk {
    const c = this.chunks[this.head]!;
    this.chunks[this.head++] = undefined as unknown as Chunk;
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks.splice(0, this.head);
      this.head = 0;
    }
    return c;
  }

  peek(): Chunk | undefined {
    return this.head < this.chunks.length ? this.chunks[this.head] : undefined;
  }
}

function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const LOG_EVERY_MS = 60_000;

export class Remote {
  private readonly shards: Shard[];
  private bytes = 0;
  private stopping = false;
  /** Set when shutdown gives up: workers stop at once. */
  private abandoned = false;
  private readonly workers: Promise<void>[];
  private lastRefusalLog = -Infinity;
  private readonly sleeps = new Set<() => void>();

  constructor(
    readonly endpoint: Endpoint,
    private readonly settings: RemoteSettings,
    private readonly metrics: RemoteWriteMetrics,
    private readonly log: RemoteLog,
  ) {
    this.shards = Array.from({ length: settings.concurrency }, () => new Shard());
    metrics.register(endpoint.display, {
      queueBytes: () => this.bytes,
      lagSeconds: (now) => this.lagSeconds(now),
    });
    this.workers = this.shards.map((s) => this.work(s));
  }

  get queueBytes(): number {
    return this.bytes;
  }

  /** True when new exports must be refused until the queue drains. */
  get full(): boolean {
    return this.bytes >= this.settings.queueBytes;
  }

  lagSeconds(now: number): number {
    let oldest = Infinity;
    for (const s of this.shards) {
      oldest = Math.min(oldest, s.inFlightOldestMs, s.peek()?.oldestMs ?? Infinity);
    }
    return oldest === Infinity ? 0 : Math.max(0, (now - oldest) / 1000);
  }

  push(chunk: Chunk): void {
    const shard = this.shards[hash(chunk.senderKey) % this.shards.length]!;
    shard.chunks.push(chunk);
    this.bytes += chunk.bytes.length;
    const wake = shard.wake;
    shard.wake = undefined;
    wake?.();
  }

  /**
   * Send what is queued, then stop. Resolves with the samples that could not
   * be sent by `deadline` (Date.now() ms), which are counted as dropped.
   */
  async flush(deadline: number): Promise<number> {
    this.stopping = true;
    for (const s of this.shards) {
      const wake = s.wake;
      s.wake = undefined;
      wake?.();
    }
    const timer = new Promise<void>((resolve) => {
      setTimeout(resolve, Math.max(0, deadline - Date.now())).unref();
    });
    await Promise.race([Promise.all(this.workers), timer]);
    this.abandoned = true;
    for (const wake of this.sleeps) wake();
    let unsent = 0;
    for (const s of this.shards) {
      unsent += s.inFlightSamples;
      while (s.length > 0) unsent += s.shift().samples;
    }
    this.metrics.count(this.endpoint.display, 'dropped', unsent);
    return unsent;
  }

  private async work(shard: Shard): Promise<void> {
    for (;;) {
      if (shard.length === 0) {
        if (this.stopping) return;
        await new Promise<void>((resolve) => (shard.wake = resolve));
        continue;
      }
      const batch: Chunk[] = [];
      let samples = 0;
      let oldest = Infinity;
      while (shard.length > 0) {
        const next = shard.peek()!;
        if (batch.length > 0 && samples + next.samples > this.settings.maxBatchSamples) break;
        batch.push(shard.shift());
        samples += next.samples;
        oldest = Math.min(oldest, next.oldestMs);
      }
      shard.inFlightOldestMs = oldest;
      shard.inFlightSamples = samples;
      const sent = await this.send(batch, samples);
      for (const c of batch) this.bytes -= c.bytes.length;
      // Given up at shutdown: flush() counts the batch as unsent.
      if (!sent && this.abandoned) return;
      shard.inFlightOldestMs = Infinity;
      shard.inFlightSamples = 0;
    }
  }

  /** POST one batch until it is accepted or refused for good; false if abandoned at shutdown. */
  private async send(batch: Chunk[], samples: number): Promise<boolean> {
    const body = compress(
      batch.length === 1 ? batch[0]!.bytes : Buffer.concat(batch.map((c) => c.bytes)),
    );
    const remote = this.endpoint.display;
    const min = this.settings.minBackoffMs ?? 100;
    // Prometheus's own remote write backs off from 30 ms to 5 s; a restarted database is used within seconds.
    const max = this.settings.maxBackoffMs ?? 5_000;
    for (let attempt = 0; ; attempt++) {
      if (this.abandoned) return false;
      let waitMs: number | undefined;
      try {
        const res = await fetch(this.endpoint.url, {
          method: 'POST',
          headers: this.endpoint.headers,
          body,
          signal: AbortSignal.timeout(this.settings.timeoutMs),
        });
        this.metrics.request(remote, String(res.status));
        if (res.ok) {
          await res.body?.cancel();
          this.metrics.count(remote, 'sent', samples);
          return true;
        }
        const text = await res.text().catch(() => '');
        if (res.status !== 429 && res.status < 500) {
          this.metrics.count(remote, 'dropped', samples);
          this.refused(res.status, text, samples);
          return true;
        }
        waitMs = retryAfterMs(res.headers.get('retry-after'));
      } catch {
        this.metrics.request(remote, 'error');
      }
      if (this.abandoned) return false;
      this.metrics.count(remote, 'retried', samples);
      const backoff = Math.min(max, min * 2 ** Math.min(attempt, 30));
      await this.sleep(Math.min(max, waitMs ?? backoff / 2 + Math.random() * (backoff / 2)));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.sleeps.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.sleeps.add(done);
    });
  }

  private refused(status: number, text: string, samples: number): void {
    const now = Date.now();
    if (now - this.lastRefusalLog < LOG_EVERY_MS) return;
    this.lastRefusalLog = now;
    this.log.error(
      { remote: this.endpoint.display, status, samples },
      `remote write refused by the database (HTTP ${status}), samples dropped: ${redactText(text.slice(0, 512).trim())} (logged at most once a minute; see ${REMOTE_WRITE_METRICS.samples}{result="dropped"})`,
    );
  }
}
