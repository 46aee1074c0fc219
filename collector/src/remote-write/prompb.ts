/**
 * Prometheus remote-write 1.0 wire format (prompb), written by hand because
 * it is four tiny messages and the hot path wants pre-encoded label bytes:
 *
 *   WriteRequest { repeated TimeSeries timeseries = 1; }
 *   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
 *   Label        { string name = 1; string value = 2; }
 *   Sample       { double value = 1; int64 timestamp = 2; }
 *
 * A WriteRequest is nothing but its TimeSeries fields one after another, so
 * the queue holds encoded `timeseries` fields and a batch is their
 * concatenation.
 */

/** Prometheus' staleness marker: a NaN with this exact bit pattern (value.StaleNaN). */
export const STALE_NAN_BITS = 0x7ff0000000000002n;

const staleView = new DataView(new ArrayBuffer(8));
staleView.setBigUint64(0, STALE_NAN_BITS, true);
/** The marker's eight little-endian bytes, as a Sample's double field carries them. */
const STALE_BYTES = new Uint8Array(staleView.buffer.slice(0));

function varintLength(n: number): number {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** A growable output buffer with the few protobuf primitives prompb needs. */
export class Writer {
  buf: Buffer;
  pos = 0;
  constructor(initial = 4096) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Non-negative integers up to 2^53. */
  varint(n: number): void {
    this.ensure(10);
    while (n >= 128) {
      this.buf[this.pos++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  double(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /** The bytes written so far (a copy, so the writer can be reused). */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
  }
}

/** One label as TimeSeries field 1 (a length-delimited Label). */
export function encodeLabel(name: string, value: string): Buffer {
  const n = Buffer.from(name, 'utf8');
  const v = Buffer.from(value, 'utf8');
  const inner = 1 + varintLength(n.length) + n.length + 1 + varintLength(v.length) + v.length;
  const w = new Writer(inner + 6);
  w.varint(0x0a);
  w.varint(inner);
  w.varint(0x0a);
  w.varint(n.length);
  w.bytes(n);
  w.varint(0x12);
  w.varint(v.length);
  w.bytes(v);
  return w.take();
}

/** A label's name and its encoded bytes; a series' labels are these, sorted by name. */
export interface EncodedLabel {
  readonly name: string;
  readonly bytes: Buffer;
}

/**
 * Appends one WriteRequest `timeseries` field: the labels of `a` and `b`
 * merged in name order (each list already sorted, names distinct), and one
 * sample. `stale` writes the staleness marker instead of `value`.
 */
export function writeTimeSeries(
  w: Writer,
  a: readonly EncodedLabel[],
  b: readonly EncodedLabel[],
  value: number,
  timestampMs: number,
  stale = false,
): void {
  let labelBytes = 0;
  for (const l of a) labelBytes += l.bytes.length;
  for (const l of b) labelBytes += l.bytes.length;
  const ts = Math.max(0, Math.trunc(timestampMs));
  const sampleLen = 1 + 8 + 1 + varintLength(ts);
  const seriesLen = labelBytes + 1 + varintLength(sampleLen) + sampleLen;
  w.varint(0x0a);
  w.varint(seriesLen);
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.name < b[j]!.name)) w.bytes(a[i++]!.bytes);
    else w.bytes(b[j++]!.bytes);
  }
  w.varint(0x12);
  w.varint(sampleLen);
  w.varint(0x09);
  if (stale) w.bytes(STALE_BYTES);
  else w.double(value);
  w.varint(0x10);
  w.varint(ts);
}
