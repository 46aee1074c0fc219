/**
 * A minimal protobuf wire-format writer for the OTLP metrics serializer:
 * one growable buffer reused across exports (an export is ~5 KB; the SDK's
 * writer sizes each request with a full estimating pass first, which doubled
 * the serialisation work). Length-delimited fields reserve one length byte
 * and shift their content when the length needs more, as the SDK's writer
 * does, so the bytes are the same.
 */
const ASCII_LIMIT = 0x80;

export class ProtobufWriter {
  private buf: Uint8Array;
  private view: DataView;
  private readonly encoder = new TextEncoder();
  pos = 0;

  constructor(initialSize = 8192) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  /** Starts a new message in the same buffer. */
  reset(): void {
    this.pos = 0;
  }

  /** A copy of the bytes written: the buffer is reused by the next export. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  private ensure(more: number): void {
    const needed = this.pos + more;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  tag(field: number, wireType: number): void {
    this.varint32((field << 3) | wireType);
  }

  /** Unsigned varint of a value in 0..2^32-1. */
  varint32(value: number): void {
    this.ensure(5);
    let v = value >>> 0;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }

  /** Varint of an int64 given as a JS integer (negatives in two's complement, 10 bytes). */
  varint64(value: number): void {
    if (value >= 0 && value <= 0xffffffff) {
      this.varint32(value);
      return;
    }
    let [low, high] = split64(value);
    this.ensure(10);
    while (high > 0 || low > 0x7f) {
      this.buf[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    this.buf[this.pos++] = low & 0x7f;
  }

  fixed64(low: number, high: number): void {
    this.ensure(8);
    this.view.setUint32(this.pos, low >>> 0, true);
    this.view.setUint32(this.pos + 4, high >>> 0, true);
    this.pos += 8;
  }

  /** A non-negative integer count as fixed64. */
  fixed64Number(value: number): void {
    this.fixed64(value >>> 0, (value / 0x100000000) >>> 0);
  }

  sfixed64(value: number): void {
    const [low, high] = split64(value);
    this.fixed64(low, high);
  }

  double(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  /** A length-delimited UTF-8 string (without its tag). */
  string(value: string): void {
    const n = value.length;
    // Names, units and attribute keys are short ASCII: copy the char codes.
    if (n < ASCII_LIMIT) {
      this.ensure(n + 1);
      const start = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c >= ASCII_LIMIT) break;
        this.buf[start + i] = c;
      }
      if (i === n) {
        this.buf[this.pos] = n;
        this.pos = start + n;
        return;
      }
    }
    const bytes = this.encoder.encode(value);
    this.bytes(bytes);
  }

  /** Length-delimited raw bytes (without their tag). */
  bytes(value: Uint8Array): void {
    this.varint32(value.length);
    this.raw(value);
  }

  /** Bytes copied as they are (a cached, already encoded field). */
  raw(value: Uint8Array): void {
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** A copy of the bytes from `start` to the current position. */
  copyFrom(start: number): Uint8Array {
    return this.buf.slice(start, this.pos);
  }

  /** Reserves the length byte of a nested message; returns the mark for `end`. */
  begin(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Writes the length of the message begun at `mark`, shifting it when the length needs more than a byte. */
  end(mark: number): void {
    const length = this.pos - mark - 1;
    if (length < 0x80) {
      this.buf[mark] = length;
      return;
    }
    let size = 2;
    while (length >= 2 ** (7 * size)) size++;
    this.ensure(size - 1);
    this.buf.copyWithin(mark + size, mark + 1, this.pos);
    this.pos += size - 1;
    let v = length;
    let p = mark;
    while (v > 0x7f) {
      this.buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[p] = v;
  }
}

/** [low, high] uint32 halves of an int64 given as a JS integer, two's complement for negatives. */
function split64(value: number): [number, number] {
  const abs = Math.abs(value);
  let low = abs >>> 0;
  let high = (abs / 0x100000000) >>> 0;
  if (value < 0) {
    low = ~low >>> 0;
    high = ~high >>> 0;
    low = (low + 1) >>> 0;
    if (low === 0) high = (high + 1) >>> 0;
  }
  return [low, high];
}
