/**
 * Accepted exports -> encoded remote-write time series. The samples come
 * from the one conversion `GET /metrics` uses (prometheus/samples.ts); this
 * file only remembers, per sender, which series this replica wrote and the
 * newest timestamp of each, so that
 * - a sample not newer than the last one written for its series is never
 *   sent (counted as out of order: a database would reject or duplicate it);
 * - when a sender expires, every series written for it ends with a
 *   staleness marker, as Prometheus does for a target that vanished.
 * The output is shared by every remote (one encoding, many queues).
 */
import type { SenderState } from '../store/store.js';
import { senderSamples, seriesSamples, type SampleSink } from '../prometheus/samples.js';
import { senderLabels } from '../prometheus/sender-labels.js';
import { Writer, writeTimeSeries, type EncodedLabel } from './prompb.js';
import { encodeLabelText, ShapeTable, type Shape } from './shapes.js';

/** Encoded `timeseries` fields of one sender, ready to be concatenated into a WriteRequest. */
export interface Chunk {
  readonly bytes: Buffer;
  readonly samples: number;
  /** Oldest sample timestamp (ms), for the lag metric. */
  readonly oldestMs: number;
  /** Routes the chunk to a shard, so one series is always written in order. */
  readonly senderKey: string;
}

interface SenderEntry {
  labelText: string;
  labels: EncodedLabel[];
  lastSeenMs: number;
  /** The series written, and the newest timestamp of each (same index). */
  readonly written: WrittenSeries;
}

/**
 * Per sender: series shapes and newest timestamps in two flat arrays (16
 * bytes a series, where a Map of heap numbers took about 60). A sender's
 * series come in the same order every export, so the next one is looked
 * for where the previous one was found; only a new or reordered series
 * falls back to a scan.
 */
class WrittenSeries {
  shapes: Shape[] = [];
  times = new Float64Array(8);
  private cursor = 0;

  /** Index of `shape`, appended (with time -Infinity) if new. */
  indexOf(shape: Shape): number {
    const n = this.shapes.length;
    let i =
      this.cursor < n && this.shapes[this.cursor] === shape
        ? this.cursor
        : this.shapes.indexOf(shape);
    if (i < 0) {
      i = n;
      this.shapes.push(shape);
      if (i >= this.times.length) {
        const grown = new Float64Array(this.times.length * 2);
        grown.set(this.times);
        this.times = grown;
      }
      this.times[i] = -Infinity;
    }
    this.cursor = i + 1;
    return i;
  }

  /** Drop spare capacity once the sender's series are known (after its first export). */
  trim(): void {
    if (this.times.length > this.shapes.length)
      this.times = this.times.slice(0, this.shapes.length);
    this.cursor = 0;
  }
}

const NONE: readonly EncodedLabel[] = [];

export class Converter {
  private readonly senders = new Map<string, SenderEntry>();
  private readonly shapes = new ShapeTable();
  private readonly writer = new Writer(64 * 1024);
  /** Samples not sent because they were not newer than the last one written for their series. */
  outOfOrder = 0;

  constructor(
    /** Most samples per chunk (a chunk never spans two batches). */
    private readonly maxChunkSamples: number,
    /** Resource attributes promoted to labels (--promote-resource-attributes), as /metrics has them. */
    private readonly promote: readonly string[] = [],
  ) {}

  get senderCount(): number {
    return this.senders.size;
  }

  /** The series of `sender` updated by the export accepted at `now`, as chunks. */
  convert(sender: SenderState, now: number): Chunk[] {
    let entry = this.senders.get(sender.key);
    if (!entry) {
      entry = { labelText: '', labels: [], lastSeenMs: now, written: new WrittenSeries() };
      this.senders.set(sender.key, entry);
    }
    const labelText = senderLabels(sender, this.promote);
    if (entry.labelText !== labelText) {
      entry.labelText = labelText;
      entry.labels = encodeLabelText(labelText);
    }
    entry.lastSeenMs = now;
    const out = new ChunkBuilder(this.writer, sender.key, this.maxChunkSamples);
    const e = entry;
    let timeMs = 0;
    let own: readonly EncodedLabel[] = e.labels;
    const emit: SampleSink = (name, labels, value, le) => {
      const shape = this.shapes.get(name, labels, le);
      const i = e.written.indexOf(shape);
      if (timeMs <= e.written.times[i]!) {
        this.outOfOrder++;
        return;
      }
      e.written.times[i] = timeMs;
      out.add(own, shape.labels, value, timeMs, false);
    };
    for (const state of sender.metrics.values()) {
      for (const s of state.series.values()) {
        if (s.receivedAtMs !== now) continue;
        timeMs = s.timeMs;
        seriesSamples(state.family.name, s.labels, s, emit);
      }
    }
    // target_info and last-seen carry their own full labels.
    own = NONE;
    timeMs = now;
    senderSamples(sender, emit);
    e.written.trim();
    return out.finish();
  }

  /**
   * Samples that carry their whole label set (the collector's own metrics),
   * written under the pseudo-sender `key`: the same order and staleness
   * rules as a sender's series.
   */
  convertSamples(key: string, now: number, fill: (emit: SampleSink) => void): Chunk[] {
    let entry = this.senders.get(key);
    if (!entry) {
      entry = { labelText: '', labels: [], lastSeenMs: now, written: new WrittenSeries() };
      this.senders.set(key, entry);
    }
    entry.lastSeenMs = now;
    const e = entry;
    const out = new ChunkBuilder(this.writer, key, this.maxChunkSamples);
    fill((name, labels, value, le) => {
      const shape = this.shapes.get(name, labels, le);
      const i = e.written.indexOf(shape);
      if (now <= e.written.times[i]!) return;
      e.written.times[i] = now;
      out.add(NONE, shape.labels, value, now, false);
    });
    e.written.trim();
    return out.finish();
  }

  /** Forget senders silent since before `cutoff`; their series end with staleness markers. */
  expire(cutoff: number, now: number): Chunk[] {
    const chunks: Chunk[] = [];
    for (const [key, entry] of this.senders) {
      if (entry.lastSeenMs >= cutoff) continue;
      this.senders.delete(key);
      const out = new ChunkBuilder(this.writer, key, this.maxChunkSamples);
      const { shapes, times } = entry.written;
      for (let i = 0; i < shapes.length; i++) {
        const shape = shapes[i]!;
        const last = times[i]!;
        // target_info and last-seen hold the whole label set; the others add the sender's.
        const own = shape.labels.some((l) => l.name === 'job') ? NONE : entry.labels;
        out.add(own, shape.labels, 0, Math.max(now, last + 1), true);
      }
      chunks.push(...out.finish());
    }
    return chunks;
  }
}

class ChunkBuilder {
  private readonly chunks: Chunk[] = [];
  private samples = 0;
  private oldest = Infinity;

  constructor(
    private readonly w: Writer,
    private readonly senderKey: string,
    private readonly max: number,
  ) {
    w.pos = 0;
  }

  add(
    a: readonly EncodedLabel[],
    b: readonly EncodedLabel[],
    value: number,
    ts: number,
    stale: boolean,
  ): void {
    writeTimeSeries(this.w, a, b, value, ts, stale);
    this.samples++;
    if (ts < this.oldest) this.oldest = ts;
    if (this.samples >= this.max) this.cut();
  }

  private cut(): void {
    if (this.samples === 0) return;
    this.chunks.push({
      bytes: this.w.take(),
      samples: this.samples,
      oldestMs: this.oldest,
      senderKey: this.senderKey,
    });
    this.samples = 0;
    this.oldest = Infinity;
  }

  finish(): Chunk[] {
    this.cut();
    return this.chunks;
  }
}
