/**
 * Recent busy-loop events per instance, bounded like the block store: at
 * most `maxInstances` instances (the least recently heard from goes first),
 * per instance the last `maxRecent` events, nothing older than
 * `retentionMs`, and at most `maxBytes` estimated bytes in all (beyond it
 * the instances heard from least recently are evicted).
 */
import { framesBytes } from './blocks.js';
import type { Sender } from '../otlp/model.js';
import type { BusyEvent } from '../otlp/busy-model.js';

export interface BusyStoreOptions {
  readonly maxInstances: number;
  readonly maxRecent: number;
  readonly retentionMs: number;
  readonly maxBytes: number;
}

/** An agent sends at most one event per busy run (>= LOOPSCOPE_HOT_LOOP_SECONDS): 20 cover the recent past. */
export const DEFAULT_BUSY_STORE: BusyStoreOptions = {
  maxInstances: 1000,
  maxRecent: 20,
  retentionMs: 60 * 60 * 1000,
  maxBytes: 16 * 1024 * 1024,
};

/** Rough heap bytes of one event or listed stack without its strings (strings: 2 bytes a character). */
const ENTRY_BYTES = 200;

export function busyEventBytes(e: BusyEvent): number {
  let n = ENTRY_BYTES + framesBytes(e.frames) + 2 * (e.label.length + (e.caller?.length ?? 0));
  for (const h of e.hottest) n += ENTRY_BYTES + 2 * h.label.length;
  return n;
}

export interface StoredBusyEvent extends BusyEvent {
  readonly instance: string;
}

interface InstanceBusy {
  readonly job: string;
  readonly instance: string;
  lastSeenMs: number;
  bytes: number;
  /** Oldest first. */
  readonly recent: StoredBusyEvent[];
}

const keyOf = (job: string, instance: string): string => `${job}\u0000${instance}`;

export class BusyStore {
  /** Insertion order is recency: an instance is moved to the end when it sends. */
  private readonly instances = new Map<string, InstanceBusy>();
  private totalBytes = 0;
  /** Instances evicted to stay within maxInstances or maxBytes, since start. */
  evictedInstances = 0;

  constructor(readonly options: BusyStoreOptions = DEFAULT_BUSY_STORE) {}

  get instanceCount(): number {
    return this.instances.size;
  }

  /** Estimated bytes held, the figure maxBytes bounds. */
  get bytes(): number {
    return this.totalBytes;
  }

  private drop(key: string, entry: InstanceBusy): void {
    this.instances.delete(key);
    this.totalBytes -= entry.bytes;
  }

  add(sender: Sender, events: readonly BusyEvent[], nowMs: number): void {
    const key = keyOf(sender.job, sender.instance);
    const entry = this.instances.get(key) ?? {
      job: sender.job,
      instance: sender.instance,
      lastSeenMs: nowMs,
      bytes: 0,
      recent: [],
    };
    this.instances.delete(key);
    this.instances.set(key, entry);
    entry.lastSeenMs = nowMs;
    const before = entry.bytes;
    for (const event of events) {
      entry.recent.push({ ...event, instance: entry.instance });
      entry.bytes += busyEventBytes(event);
      if (entry.recent.length > this.options.maxRecent) {
        entry.bytes -= busyEventBytes(entry.recent.shift()!);
      }
    }
    this.totalBytes += entry.bytes - before;
    // Oldest first; the instance just heard from is last and goes only if it alone is too big.
    while (
      this.instances.size > this.options.maxInstances ||
      this.totalBytes > this.options.maxBytes
    ) {
      const oldest = this.instances.entries().next().value;
      if (oldest === undefined) break;
      this.drop(oldest[0], oldest[1]);
      this.evictedInstances++;
    }
  }

  /** Removes instances not heard from within the retention. */
  expire(nowMs: number): void {
    for (const [key, entry] of this.instances) {
      if (nowMs - entry.lastSeenMs > this.options.retentionMs) this.drop(key, entry);
    }
  }

  /** The busy-loop events of `job` (only `instance` when given), newest first. */
  select(job: string, instance: string | undefined, nowMs: number): StoredBusyEvent[] {
    this.expire(nowMs);
    const out: StoredBusyEvent[] = [];
    if (instance !== undefined) {
      out.push(...(this.instances.get(keyOf(job, instance))?.recent ?? []));
    } else {
      for (const entry of this.instances.values()) if (entry.job === job) out.push(...entry.recent);
    }
    return out.sort((a, b) => b.timeMs - a.timeMs);
  }
}
