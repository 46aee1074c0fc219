/**
 * Parsers for configuration values. Each takes the raw value from either an
 * environment variable (a string) or a code option (any type) plus the name
 * of where it came from, and throws a ConfigError naming that source.
 */

import { booleanOf } from './boolean.js';
import { AgentError } from './errors.js';
import { redactKeyValues, redactUrl } from './redact.js';

/** A bad setting (`LOOPSCOPE_AGENT_INVALID_SETTING`), naming where it came from. */
export class ConfigError extends AgentError {
  /** The environment variable or option that holds the bad value. */
  readonly source: string;
  constructor(source: string, message: string) {
    super('LOOPSCOPE_AGENT_INVALID_SETTING', message);
    this.name = 'ConfigError';
    this.source = source;
  }
}

/** The value as a message shows it: URL credentials masked whatever the setting. */
const show = (raw: unknown): string =>
  redactUrl(typeof raw === 'string' ? `"${raw}"` : String(raw));

function fail(source: string, raw: unknown, expected: string): never {
  throw new ConfigError(source, `invalid ${source}=${show(raw)}: expected ${expected}`);
}

/** Milliseconds: a finite number in [min, max]; env strings must be plain decimal numbers. */
export function parseMs(raw: unknown, source: string, min: number, max: number): number {
  const value = typeof raw === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(source, raw, `a number of milliseconds from ${min} to ${max}`);
  }
  return value;
}

/** Booleans: the words of BOOLEAN_WORDS (true/false, 1/0, yes/no, on/off; "" is false). */
export function parseBoolean(raw: unknown, source: string): boolean {
  if (typeof raw === 'boolean') return raw;
  const value = typeof raw === 'string' ? booleanOf(raw) : undefined;
  return value ?? fail(source, raw, 'true or false (also 1/0, yes/no, on/off)');
}

export function parseString(raw: unknown, source: string): string {
  if (typeof raw !== 'string' || raw.trim() === '') fail(source, raw, 'a non-empty string');
  return raw.trim();
}

/** An http(s) URL, returned normalised. */
export function parseUrl(raw: unknown, source: string): URL {
  if (typeof raw === 'string') {
    try {
      const url = new URL(raw.trim());
      if (url.protocol === 'http:' || url.protocol === 'https:') return url;
    } catch {
      // falls through to the message below
    }
  }
  // Not a URL: whatever precedes an `@` may still be a user:password.
  const shown = typeof raw === 'string' ? raw.replace(/^[^/@\s]*@/, '***@') : raw;
  return fail(source, shown, 'an http:// or https:// URL');
}

export function parseChoice<T extends string>(
  raw: unknown,
  source: string,
  choices: readonly T[],
): T {
  const v = typeof raw === 'string' ? raw.trim() : raw;
  if (!choices.includes(v as T)) fail(source, raw, `one of ${choices.join(', ')}`);
  return v as T;
}

/**
 * W3C-baggage-style `key=value,key2=value2` lists as used by
 * OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS; values are
 * percent-decoded.
 */
export function parseKeyValueList(
  raw: unknown,
  source: string,
  secret = false,
): Record<string, string> {
  // Header values are credentials: a message names the keys, never the values.
  const shown = (text: string): string => (secret ? redactKeyValues(text) : text);
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const out = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(raw)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        fail(
          source,
          secret ? `{${Object.keys(raw).join(',')}}` : JSON.stringify(raw),
          `string values (key "${k}" is ${typeof v})`,
        );
      }
      out[k] = String(v);
    }
    return out;
  }
  if (typeof raw !== 'string') return fail(source, raw, 'key=value pairs separated by commas');
  const out = Object.create(null) as Record<string, string>;
  for (const part of raw.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq).trim() : '';
    if (key === '')
      fail(source, shown(raw), `key=value pairs separated by commas (bad pair "${shown(part)}")`);
    try {
      out[key] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      fail(source, shown(raw), `percent-encoded values (bad value for "${key}")`);
    }
  }
  return out;
}

/** A whole number in [0, max]; env strings must be plain digits. */
export function parseCount(raw: unknown, source: string, max: number): number {
  const value = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    fail(source, raw, `a whole number from 0 to ${max}`);
  }
  return value;
}

/** A fraction in (min, max]: a plain decimal number. */
export function parseRatio(raw: unknown, source: string, min: number, max: number): number {
  const value = typeof raw === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= min || value > max) {
    fail(source, raw, `a number above ${min} and at most ${max}`);
  }
  return value;
}
