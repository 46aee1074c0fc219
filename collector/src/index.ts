export * from './names.js';
export * from './prometheus/name.js';
export type * from './otlp/model.js';
export { decodeMetricsRequest, decodeMetricsExport } from './otlp/metrics.js';
export { DEFAULT_DECODE_LIMITS, type DecodedExport, type DecodeLimits } from './otlp/decode.js';
export { Rejections } from './rejections.js';
export { OtlpDecodeError } from './otlp/errors.js';
export type { OtlpEncoding } from './otlp/wire.js';
