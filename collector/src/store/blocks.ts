/**
 * Recent block events per instance, bounded in every direction: at most
 * `maxInstances` instances (the least recently heard from goes first), per
 * instance the `maxStacks` stacks with the most stalled time and the last
 * `maxRecent` events, nothing older than `retentionMs`. Events are kept
 * longer than metric series expire by default: what blocked an instance
 * just before it died is worth reading after it died.
 */
import { addStallTotals, stallTotalsOf } from './stall-totals.js';
import type { Sender } from '../otlp/model.js';
import type { BlockEvent, BlockFrame } from '../otlp/block-model.js';

export interface BlockStoreOptions {
  readonly maxInstances: number;
  readonly maxStacks: number;
  readonly maxRecent: number;
  readonly retentionMs: number;
  /**
   * Estimated bytes of everything stored (frames dominate: 75 stacks of 64
   * long frames are ~4 MB per instance); beyond it the instances heard from
   * least recently are evicted. Default: no byte bound (only the counts).
   */
  readonly maxBytes?: number;
}

export const DEFAULT_BLOCK_STORE: BlockStoreOptions = {
  maxInstances: 1000,
  maxStacks: 25,
  maxRecent: 50,
  retentionMs: 60 * 60 * 1000,
  maxBytes: 64 * 1024 * 1024,
};

/** Rough heap bytes of one event or stack entry without frames, and of one frame without its strings. */
const ENTRY_BYTES = 200;
const FRAME_BYTES = 80;

/** Estimated heap bytes of a frame list (strings are counted at 2 bytes a character: the worst case). */
export function framesBytes(frames: readonly BlockFrame[]): number {
  let n = 0;
  for (const f of frames) n += FRAME_BYTES + 2 * (f.function.length + f.file.length);
  return n;
}

/** One blocking stack and how much it stalled the loop. */
export interface StackStats {
  readonly fingerprint: string;
  count: number;
  totalMs: number;
  maxMs: number;
  /** Start of the latest stall with this stack, ms since the epoch. */
  lastMs: number;
  frames: readonly BlockFrame[];
}

export interface StoredEvent extends BlockEvent {
  readonly instance: string;
}

interface InstanceBlocks {
  readonly job: string;
  readonly instance: string;
  lastSeenMs: number;
  /** Estimated bytes held (see framesBytes). */
  bytes: number;
  readonly stacks: Map<string, StackStats>;
  /** Oldest first. */
  readonly recent: StoredEvent[];
}

const keyOf = (job: string, instance: string): string => `${job}\u0000${instance}`;

export class BlockStore {
  /** Insertion order is recency: an instance is moved to the end when it sends. */
  private readonly instances = new Map<string, InstanceBlocks>();
  private totalBytes = 0;
  /** Instances evicted to stay within maxInstances or maxBytes, since start. */
  evictedInstances = 0;

  constructor(readonly options: BlockStoreOptions = DEFAULT_BLOCK_STORE) {}

  get instanceCount(): number {
    return this.instances.size;
  }

  /** Estimated bytes held, the figure maxBytes bounds. */
  get bytes(): number {
    return this.totalBytes;
  }

  private drop(key: string, entry: InstanceBlocks): void {
    this.instances.delete(key);
    this.totalBytes -= entry.bytes;
  }

  add(sender: Sender, events: readonly BlockEvent[], nowMs: number): void {
    const key = keyOf(sender.job, sender.instance);
    const entry = this.instances.get(key) ?? {
      job: sender.job,
      instance: sender.instance,
      lastSeenMs: nowMs,
      stacks: new Map<string, StackStats>(),
      recent: [],
      bytes: 0,
    };
    this.instances.delete(key);
    this.instances.set(key, entry);
    entry.lastSeenMs = nowMs;
    const before = entry.bytes;
    for (const event of events) this.record(entry, event);
    this.totalBytes += entry.bytes - before;
    const maxBytes = this.options.maxBytes ?? Infinity;
    // Oldest first; the instance just heard from is last and goes only if it alone is too big.
    while (this.instances.size > this.options.maxInstances || this.totalBytes > maxBytes) {
      const oldest = this.instances.entries().next().value;
      if (oldest === undefined) break;
      this.drop(oldest[0], oldest[1]);
      this.evictedInstances++;
    }
  }

  private record(entry: InstanceBlocks, event: BlockEvent): void {
    entry.recent.push({ ...event, instance: entry.instance });
    entry.bytes += ENTRY_BYTES + framesBytes(event.frames);
    if (entry.recent.length > this.options.maxRecent) {
      const gone = entry.recent.shift()!;
      entry.bytes -= ENTRY_BYTES + framesBytes(gone.frames);
    }
    const stack = entry.stacks.get(event.fingerprint);
    if (stack) {
      if (addStallTotals(stack, stallTotalsOf(event))) {
        entry.bytes += framesBytes(event.frames) - framesBytes(stack.frames);
        stack.frames = event.frames;
      }
      return;
    }
    entry.bytes += ENTRY_BYTES + framesBytes(event.frames);
    entry.stacks.set(event.fingerprint, {
      fingerprint: event.fingerprint,
      count: 1,
      totalMs: event.durationMs,
      maxMs: event.durationMs,
      lastMs: event.timeMs,
      frames: event.frames,
    });
    if (entry.stacks.size > this.options.maxStacks) {
      // Keep the stacks that stalled the loop the longest in total.
      let least: StackStats | undefined;
      for (const s of entry.stacks.values()) if (!least || s.totalMs < least.totalMs) least = s;
      if (least) {
        entry.stacks.delete(least.fingerprint);
        entry.bytes -= ENTRY_BYTES + framesBytes(least.frames);
      }
    }
  }

  /** Removes instances not heard from within the retention. */
  expire(nowMs: number): void {
    for (const [key, entry] of this.instances) {
      if (nowMs - entry.lastSeenMs > this.options.retentionMs) this.drop(key, entry);
    }
  }

  /**
   * The stored instances of `job` (only `instance` when given). Each stack
   * is reported once per instance; callers merge them for a job-wide view.
   */
  select(job: string, instance: string | undefined, nowMs: number): readonly InstanceView[] {
    this.expire(nowMs);
    if (instance !== undefined) {
      const entry = this.instances.get(keyOf(job, instance));
      return entry ? [view(entry)] : [];
    }
    const out: InstanceView[] = [];
    for (const entry of this.instances.values()) if (entry.job === job) out.push(view(entry));
    return out;
  }
}

export interface InstanceView {
  readonly instance: string;
  readonly stacks: readonly StackStats[];
  readonly recent: readonly StoredEvent[];
}

function view(entry: InstanceBlocks): InstanceView {
  return { instance: entry.instance, stacks: [...entry.stacks.values()], recent: entry.recent };
}
