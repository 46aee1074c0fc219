/**
 * Readers for OTLP scalar fields that accept both encodings: protobufjs
 * decodes 64-bit integers to `Long` objects, OTLP/JSON carries them as
 * decimal strings (or numbers), doubles may be "NaN"/"Infinity" strings and
 * enums may be integers or names. Shared by the metrics and logs decoders.
 */
import type { AttrValue } from './model.js';
import { OtlpDecodeError, PointRejected } from './errors.js';

/** The shape of protobufjs's `Long` (the `long` package). */
interface LongLike {
  readonly low: number;
  readonly high: number;
  readonly unsigned: boolean;
}

const TWO_32 = 4294967296;

function isLong(v: object): v is LongLike {
  return typeof (v as Partial<LongLike>).low === 'number';
}

/** `where` is only evaluated to build an error message. */
export type Where = () => string;

/** fixed64/uint64 -> number (exact up to 2^53, which counts and nanosecond timestamps fit). */
export function readUint64(v: unknown, where: Where): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 0) return v;
  } else if (typeof v === 'string') {
    if (/^\d{1,20}$/.test(v)) return Number(v);
  } else if (typeof v === 'object' && isLong(v)) {
    if (v.unsigned || v.high >= 0) return (v.high >>> 0) * TWO_32 + (v.low >>> 0);
  }
  throw new OtlpDecodeError(`expected an unsigned 64-bit integer, got ${show(v)}`, where());
}

/** int64/sfixed64 -> number. */
export function readInt64(v: unknown, where: Where): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return v;
  } else if (typeof v === 'string') {
    if (/^-?\d{1,19}$/.test(v)) return Number(v);
  } else if (typeof v === 'object' && isLong(v)) {
    return v.unsigned ? (v.high >>> 0) * TWO_32 + (v.low >>> 0) : v.high * TWO_32 + (v.low >>> 0);
  }
  throw new OtlpDecodeError(`expected a 64-bit integer, got ${show(v)}`, where());
}

/** double -> number; proto3 JSON spells non-finite values as strings. */
export function readDouble(v: unknown, where: Where): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n;
  }
  throw new OtlpDecodeError(`expected a number, got ${show(v)}`, where());
}

export function readString(v: unknown, where: Where): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  throw new OtlpDecodeError(`expected a string, got ${show(v)}`, where());
}

export function readBool(v: unknown, where: Where): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  throw new OtlpDecodeError(`expected a boolean, got ${show(v)}`, where());
}

/** An enum as its number; JSON may also use the value's name. */
export function readEnum(v: unknown, names: readonly string[], where: Where): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    const i = names.indexOf(v);
    if (i >= 0) return i;
  }
  throw new OtlpDecodeError(
    `expected one of ${names.join(', ')} or its number, got ${show(v)}`,
    where(),
  );
}

/** A present, non-null field of a decoded message or JSON object. */
export function has(o: object, key: string): boolean {
  return Object.hasOwn(o, key) && (o as Record<string, unknown>)[key] != null;
}

export function readObject(v: unknown, where: Where): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  throw new OtlpDecodeError(`expected an object, got ${show(v)}`, where());
}

const EMPTY: readonly unknown[] = [];

export function readArray(v: unknown, where: Where): readonly unknown[] {
  if (v === undefined || v === null) return EMPTY;
  if (Array.isArray(v)) return v;
  throw new OtlpDecodeError(`expected an array, got ${show(v)}`, where());
}

export interface AttributeLimits {
  /** Longest accepted attribute value, in characters. */
  readonly maxAttributeLength: number;
  /** Most attributes accepted on one point or resource. */
  readonly maxAttributes: number;
}

const MAX_DEPTH = 8;
const NO_ATTRIBUTES: Readonly<Record<string, AttrValue>> = Object.freeze({});

/**
 * A list of OTLP KeyValue into a flat record. Prometheus labels are strings,
 * so arrays and key-value lists become JSON text and bytes become base64, as
 * the OpenTelemetry Prometheus compatibility spec does. Values over the
 * length limit throw PointRejected (reason too_large).
 */
export function readAttributes(
  list: unknown,
  limits: AttributeLimits,
  where: Where,
): Record<string, AttrValue> {
  const items = readArray(list, where);
  // Most points have no attributes: share one frozen empty record.
  if (items.length === 0) return NO_ATTRIBUTES;
  // Keys are user data: a null prototype keeps `__proto__` or `constructor` plain keys.
  const out = Object.create(null) as Record<string, AttrValue>;
  if (items.length > limits.maxAttributes) {
    throw new PointRejected(
      `${items.length} attributes, more than the limit of ${limits.maxAttributes}`,
      'too_large',
    );
  }
  let i = 0;
  const at = (): string => `${where()}[${i}]`;
  const keyAt = (): string => `${at()}.key`;
  const valueAt = (): string => `${at()}.value`;
  for (i = 0; i < items.length; i++) {
    const kv = readObject(items[i], at);
    if (kv === undefined) continue;
    const key = readString(kv.key, keyAt);
    const value = readAnyValue(kv.value, 0, valueAt);
    if (typeof value === 'string' && value.length > limits.maxAttributeLength) {
      throw new PointRejected(
        `attribute ${JSON.stringify(key.slice(0, 64))} is ${value.length} characters long, more than the limit of ${limits.maxAttributeLength}`,
        'too_large',
      );
    }
    out[key] = value;
  }
  return out;
}

/** One AnyValue; nested arrays and lists are flattened to JSON text at the top level. */
export function readAnyValue(v: unknown, depth: number, where: Where): AttrValue {
  const plain = readPlainValue(v, depth, where);
  return plain === null || typeof plain === 'object' ? JSON.stringify(plain) : plain;
}

type Plain = string | number | boolean | null | Plain[] | { [k: string]: Plain };

function readPlainValue(v: unknown, depth: number, where: Where): Plain {
  const o = readObject(v, where);
  if (o === undefined) return '';
  if (depth > MAX_DEPTH) {
    throw new OtlpDecodeError(`attribute values nested deeper than ${MAX_DEPTH} levels`, where());
  }
  if (has(o, 'stringValue')) return readString(o.stringValue, () => `${where()}.stringValue`);
  if (has(o, 'boolValue')) return readBool(o.boolValue, () => `${where()}.boolValue`);
  if (has(o, 'intValue')) {
    const n = readInt64(o.intValue, () => `${where()}.intValue`);
    // Beyond 2^53 a number would silently change the value: keep the digits.
    return Number.isSafeInteger(n) ? n : String(o.intValue);
  }
  if (has(o, 'doubleValue')) return readDouble(o.doubleValue, () => `${where()}.doubleValue`);
  if (has(o, 'bytesValue')) return readBytes(o.bytesValue, () => `${where()}.bytesValue`);
  if (has(o, 'arrayValue')) {
    const arr = readObject(o.arrayValue, () => `${where()}.arrayValue`);
    const values = readArray(arr?.values, () => `${where()}.arrayValue.values`);
    return values.map((x, i) =>
      readPlainValue(x, depth + 1, () => `${where()}.arrayValue.values[${i}]`),
    );
  }
  if (has(o, 'kvlistValue')) {
    const list = readObject(o.kvlistValue, () => `${where()}.kvlistValue`);
    const values = readArray(list?.values, () => `${where()}.kvlistValue.values`);
    const out = Object.create(null) as { [k: string]: Plain };
    values.forEach((x, i) => {
      const at = (): string => `${where()}.kvlistValue.values[${i}]`;
      const kv = readObject(x, at);
      if (kv === undefined) return;
      out[readString(kv.key, () => `${at()}.key`)] = readPlainValue(
        kv.value,
        depth + 1,
        () => `${at()}.value`,
      );
    });
    return out;
  }
  return '';
}

/** bytes: a Uint8Array from protobuf, base64 text in proto3 JSON. Kept as base64. */
function readBytes(v: unknown, where: Where): string {
  if (v instanceof Uint8Array)
    return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  if (typeof v === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) return v;
  throw new OtlpDecodeError(`expected base64 bytes, got ${show(v)}`, where());
}

/** A short rendering of an unexpected value for an error message. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (v === null || typeof v !== 'object') return String(v);
  return Array.isArray(v) ? 'an array' : 'an object';
}
