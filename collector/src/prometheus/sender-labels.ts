/**
 * A sender's own labels: `job`, `instance` and the promoted resource
 * attributes, as label text. Every sample of the sender carries them, so
 * they are rendered once per sender and kept here (not in the store) until a
 * promoted attribute changes; the WeakMap lets a removed sender go.
 */
import type { SenderView } from '../store/views.js';
import { attrText, joinLabels, labelPair } from './labels.js';
import { sanitizeLabel } from './name.js';

interface Rendered {
  /** The attributes object it was checked against (replaced by every export). */
  attributes: SenderView['attributes'];
  /** The promoted attributes' values, joined. */
  key: string;
  labels: string;
}

const cache = new WeakMap<SenderView, Rendered>();

function promotedKey(attributes: SenderView['attributes'], promote: readonly string[]): string {
  let key = '';
  for (const a of promote) {
    const v = attributes[a];
    key += v === undefined ? '\u0000' : `${attrText(v)}\u0000`;
  }
  return key;
}

/** The sender's label text (job, instance, then promoted attributes in `promote` order). */
export function senderLabels(sender: SenderView, promote: readonly string[]): string {
  let r = cache.get(sender);
  if (r?.attributes === sender.attributes) return r.labels;
  const key = promotedKey(sender.attributes, promote);
  if (r?.key === key) {
    r.attributes = sender.attributes;
    return r.labels;
  }
  const pairs = [labelPair('job', sender.job)];
  if (sender.instance !== '') pairs.push(labelPair('instance', sender.instance));
  for (const a of promote) {
    const v = sender.attributes[a];
    if (v !== undefined && attrText(v) !== '') pairs.push(labelPair(sanitizeLabel(a), attrText(v)));
  }
  r = { attributes: sender.attributes, key, labels: joinLabels(...pairs) };
  cache.set(sender, r);
  return r.labels;
}
