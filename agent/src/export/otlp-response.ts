/**
 * The one part of an `ExportMetricsServiceResponse` the SDK's transport
 * looks at: `partial_success` (field 1: `rejected_data_points` = 1, int64;
 * `error_message` = 2), which it logs through `diag` when present. Anything
 * else in the body is skipped; a malformed body throws, and the transport
 * then logs that and still counts the export as delivered, as for the SDK's
 * own exporter.
 */
export interface ExportMetricsResponse {
  partialSuccess?: { rejectedDataPoints?: number; errorMessage?: string };
}

class Reader {
  pos = 0;
  constructor(
    private readonly buf: Uint8Array,
    readonly end = buf.length,
  ) {}

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new RangeError('truncated varint');
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw new RangeError('varint longer than 10 bytes');
  }

  /** Skips a field of `wireType`; returns [start, end) of a length-delimited one. */
  skip(wireType: number): [number, number] {
    const start = this.pos;
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 5) this.pos += 4;
    else if (wireType === 2) {
      const length = this.varint();
      const from = this.pos;
      this.pos += length;
      if (this.pos > this.end) throw new RangeError('truncated field');
      return [from, this.pos];
    } else throw new RangeError(`unsupported wire type ${wireType}`);
    if (this.pos > this.end) throw new RangeError('truncated field');
    return [start, this.pos];
  }
}

export function decodePartialSuccess(body: Uint8Array): ExportMetricsResponse {
  const response: ExportMetricsResponse = {};
  const r = new Reader(body);
  while (r.pos < r.end) {
    const key = r.varint();
    const [from, to] = r.skip(key & 7);
    if (key !== ((1 << 3) | 2)) continue;
    const partial: NonNullable<ExportMetricsResponse['partialSuccess']> = {};
    const p = new Reader(body, to);
    p.pos = from;
    while (p.pos < p.end) {
      const k = p.varint();
      if (k === ((1 << 3) | 0)) partial.rejectedDataPoints = p.varint();
      else if (k === ((2 << 3) | 2)) {
        const [a, b] = p.skip(2);
        partial.errorMessage = new TextDecoder().decode(body.subarray(a, b));
      } else p.skip(k & 7);
    }
    response.partialSuccess = partial;
  }
  return response;
}
