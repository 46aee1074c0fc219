/**
 * A fixed-capacity ring buffer: pushing onto a full ring overwrites the
 * oldest entry, so memory stays bounded whatever the senders do.
 */
export class Ring<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private length = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    }
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.length;
  }

  push(item: T): void {
    if (this.length < this.capacity) {
      this.items[(this.start + this.length) % this.capacity] = item;
      this.length += 1;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** Drops entries from the oldest end while `stale` holds. */
  dropWhile(stale: (item: T) => boolean): void {
    while (this.length > 0) {
      const oldest = this.items[this.start] as T;
      if (!stale(oldest)) return;
      this.items[this.start] = undefined;
      this.start = (this.start + 1) % this.capacity;
      this.length -= 1;
    }
  }

  /** The newest entry, if any. */
  last(): T | undefined {
    return this.length === 0
      ? undefined
      : this.items[(this.start + this.length - 1) % this.capacity];
  }

  /** Entries newest first. */
  *newestFirst(): IterableIterator<T> {
    for (let i = this.length - 1; i >= 0; i--)
      yield this.items[(this.start + i) % this.capacity] as T;
  }

  /** Entries oldest first. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.length; i++) yield this.items[(this.start + i) % this.capacity] as T;
  }
}
