/** Parsers for flag and environment-variable values; each throws UsageError naming the value. */
import { booleanOf } from '@loopscope/agent/boolean';
import { durationMs } from '../prometheus/duration.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A Prometheus duration of at least 1 ms: `500ms`, `30s`, `5m`, `1h30m`, `1.5m`. */
export function parseDuration(what: string, raw: string): number {
  const ms = durationMs(raw, { decimal: true }) ?? NaN;
  if (!(ms >= 1)) {
    throw new UsageError(
      `${what}: ${JSON.stringify(raw)} is not a duration (e.g. 500ms, 30s, 5m, 1h30m)`,
    );
  }
  return ms;
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** `16777216`, `16MiB`, `512KiB`, `20MB`. */
export function parseBytes(what: string, raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = BYTE_UNITS[m?.[2]?.toLowerCase() ?? 'x'];
  const bytes = m && unit ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!(bytes >= 1) || !Number.isSafeInteger(bytes)) {
    throw new UsageError(
      `${what}: ${JSON.stringify(raw)} is not a size (e.g. 16MiB, 512KiB, 1048576)`,
    );
  }
  return bytes;
}

/** A positive integer; `_` and `,` may group digits (`1_000_000`). */
export function parseCount(what: string, raw: string): number {
  const digits = raw.trim().replace(/[_,]/g, '');
  const n = /^\d+$/.test(digits) ? Number(digits) : NaN;
  if (!(n >= 1) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${what}: ${JSON.stringify(raw)} is not a positive integer`);
  }
  return n;
}

export function parsePort(what: string, raw: string): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!(n >= 0 && n <= 65535))
    throw new UsageError(`${what}: ${JSON.stringify(raw)} is not a port (0-65535)`);
  return n;
}

export function parseBoolean(what: string, raw: string): boolean {
  const value = booleanOf(raw);
  if (value === undefined) {
    throw new UsageError(
      `${what}: ${JSON.stringify(raw)} is not a boolean (true/false, on/off, yes/no, 1/0)`,
    );
  }
  return value;
}

export function parseChoice<T extends string>(what: string, raw: string, choices: readonly T[]): T {
  const v = raw.trim() as T;
  if (!choices.includes(v)) {
    throw new UsageError(`${what}: ${JSON.stringify(raw)} is not one of ${choices.join(', ')}`);
  }
  return v;
}

/** Comma-separated, blanks dropped; an empty value is an empty list. */
export function parseList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
