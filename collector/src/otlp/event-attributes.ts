/**
 * Readers for the attributes of loopscope's events (block and busy-loop log
 * records): each bad value rejects the one record (PointRejected, reason
 * `malformed`) with a message naming the attribute, for partial_success.
 * Nested values (frames, lists of maps) arrive as JSON text: the shared
 * attribute reader flattens them.
 */
import type { BlockFrame } from '@loopscope/agent/names';
import { PointRejected } from './errors.js';
import type { AttrValue } from './model.js';
import { readUint64, type Where } from './values.js';

/** Events carry a stack: attribute values may be longer than metric labels. */
export const EVENT_ATTRIBUTE_LENGTH = 64 * 1024;
export const MAX_FRAMES = 64;
/** Longest function name, file, label or caller kept, characters. */
export const MAX_TEXT = 2048;

export function reject(message: string): never {
  throw new PointRejected(message, 'malformed');
}

export function number(
  attrs: Record<string, AttrValue>,
  key: string,
  required: boolean,
): number | undefined {
  const v = attrs[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    reject(
      `${key} must be a finite number >= 0, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`,
    );
  }
  return v;
}

export function text(v: unknown, what: string): string {
  if (typeof v !== 'string' || v.length > MAX_TEXT)
    reject(`${what} must be a string of at most ${MAX_TEXT} characters`);
  return v;
}

export function position(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    reject(`${what} must be a whole number >= 0`);
  return v;
}

/** A fingerprint as the agent's watchdog/frames.ts makes it. */
export function fingerprintOf(v: unknown, key: string): string {
  if (typeof v !== 'string' || !/^[0-9a-f]{1,64}$/.test(v)) {
    reject(`${key} must be 1 to 64 lowercase hex digits`);
  }
  return v;
}

/** A JSON-text attribute holding an array of maps, at most `max` long. */
export function listOfMaps(
  raw: AttrValue | undefined,
  key: string,
  max: number,
  what: string,
): Record<string, unknown>[] {
  if (typeof raw !== 'string') reject(`${key} must be an array of ${what}`);
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    reject(`${key} must be an array of ${what}`);
  }
  if (!Array.isArray(list) || list.length > max) {
    reject(`${key} must be an array of at most ${max} ${what}`);
  }
  return list.map((f: unknown, i) => {
    if (typeof f !== 'object' || f === null || Array.isArray(f))
      reject(`${key}[${i}] must be a map`);
    return f as Record<string, unknown>;
  });
}

/** The frames attribute: innermost first. Empty is legitimate (the stack had no JavaScript). */
export function frames(raw: AttrValue | undefined, key: string): BlockFrame[] {
  return listOfMaps(raw, key, MAX_FRAMES, 'frames').map((o, i) => {
    const at = `${key}[${i}]`;
    return {
      function: text(o.function, `${at}.function`),
      file: text(o.file, `${at}.file`),
      line: position(o.line, `${at}.line`),
      column: position(o.column, `${at}.column`),
    };
  });
}

/** When the event happened, ms since the epoch: the record's time, else its observed time. */
export function eventTimeMs(record: Record<string, unknown>, where: Where): number {
  const timeNs =
    readUint64(record.timeUnixNano, () => `${where()}.timeUnixNano`) ||
    readUint64(record.observedTimeUnixNano, () => `${where()}.observedTimeUnixNano`);
  if (timeNs === 0) reject('the log record has neither timeUnixNano nor observedTimeUnixNano');
  return timeNs / 1e6;
}
