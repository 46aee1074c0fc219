/**
 * Label sets as remote write sends them, encoded once. A sample's labels are
 * its sender's part (job, instance, promoted attributes: one set per sender)
 * and its shape (`__name__`, the point's labels, `le`: the same across every
 * sender of one application). Both are kept as pre-encoded, name-sorted
 * labels; writeTimeSeries merges them per sample.
 *
 * Shapes are interned in one table shared by all senders, so a sender costs
 * a reference per series, not a copy of its label text.
 */
import { parseLabelText } from '../prometheus/labels.js';
import { encodeLabel, type EncodedLabel } from './prompb.js';

export interface Shape {
  readonly labels: readonly EncodedLabel[];
}

export function encodeLabelText(text: string, extra: [string, string][] = []): EncodedLabel[] {
  const pairs = [...parseLabelText(text), ...extra];
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return pairs.map(([name, value]) => ({ name, bytes: encodeLabel(name, value) }));
}

export class ShapeTable {
  private readonly byKey = new Map<string, Shape>();

  constructor(
    /**
     * Most shapes kept; beyond it the table starts over (senders keep
     * references to the shapes they wrote, so staleness markers still work).
     */
    private readonly limit = 200_000,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  /** The shape of sample `name{labels,le}`. */
  get(name: string, labels: string, le: string | undefined): Shape {
    const key = le === undefined ? `${name}\u0000${labels}` : `${name}\u0000${labels}\u0000${le}`;
    let shape = this.byKey.get(key);
    if (!shape) {
      if (this.byKey.size >= this.limit) {
        this.byKey.clear();
      }
      const extra: [string, string][] = [['__name__', name]];
      if (le !== undefined) extra.push(['le', le]);
      shape = { labels: encodeLabelText(labels, extra) };
      this.byKey.set(key, shape);
    }
    return shape;
  }
}
