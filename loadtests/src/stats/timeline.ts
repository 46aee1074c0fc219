/**
 * Time buckets that coarsen as a run grows: once more than `maxBuckets`
 * exist, the width doubles and neighbours merge. A one-hour run keeps
 * one-second resolution; a day-long soak still fits in the same memory.
 */
export class Timeline<T> {
  private buckets = new Map<number, T>();
  widthMs: number;

  constructor(
    private readonly create: () => T,
    private readonly merge: (into: T, from: T) => void,
    private readonly maxBuckets = 3600,
    initialWidthMs = 1000,
  ) {
    this.widthMs = initialWidthMs;
  }

  /** The bucket holding time `t` (ms since the epoch). */
  at(t: number): T {
    const key = Math.floor(t / this.widthMs) * this.widthMs;
    let b = this.buckets.get(key);
    if (!b) {
      b = this.create();
      this.buckets.set(key, b);
      if (this.buckets.size > this.maxBuckets) {
        this.coarsen();
        return this.at(t);
      }
    }
    return b;
  }

  private coarsen(): void {
    this.widthMs *= 2;
    const old = this.buckets;
    this.buckets = new Map();
    for (const [key, b] of [...old.entries()].sort((a, z) => a[0] - z[0])) {
      const k = Math.floor(key / this.widthMs) * this.widthMs;
      const into = this.buckets.get(k);
      if (into) this.merge(into, b);
      else this.buckets.set(k, b);
    }
  }

  /** Buckets in time order, empty ones included between the first and the last. */
  entries(): [number, T][] {
    const keys = [...this.buckets.keys()].sort((a, z) => a - z);
    const first = keys[0];
    const last = keys[keys.length - 1];
    if (first === undefined || last === undefined) return [];
    const out: [number, T][] = [];
    for (let k = first; k <= last; k += this.widthMs)
      out.push([k, this.buckets.get(k) ?? this.create()]);
    return out;
  }

  get size(): number {
    return this.buckets.size;
  }
}
