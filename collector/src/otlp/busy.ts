/**
 * One busy-loop log record (BUSY_EVENT) -> a BusyEvent, or PointRejected
 * naming the attribute that cannot be used (for partial_success).
 */
import { BUSY_EVENT } from '@loopscope/agent/names';
import type { DecodeLimits } from './decode.js';
import {
  EVENT_ATTRIBUTE_LENGTH,
  eventTimeMs,
  fingerprintOf,
  frames,
  listOfMaps,
  number,
  position,
  reject,
  text,
} from './event-attributes.js';
import { readAttributes, type Where } from './values.js';
import type { BusyEvent, BusyStack } from './busy-model.js';
import type { AttrValue } from './model.js';

/** The agent lists 3; a few more are accepted, more than this is not a busy-loop event. */
export const MAX_HOTTEST = 10;

const A = BUSY_EVENT.attributes;

function ratio(v: number | undefined, key: string): number | undefined {
  if (v !== undefined && v > 1) reject(`${key} must be a ratio from 0 to 1, got ${v}`);
  return v;
}

function hottest(raw: AttrValue | undefined): BusyStack[] {
  if (raw === undefined) return [];
  return listOfMaps(raw, A.hottest, MAX_HOTTEST, 'stacks').map((o, i) => ({
    fingerprint: fingerprintOf(o.fingerprint, `${A.hottest}[${i}].fingerprint`),
    label: text(o.label, `${A.hottest}[${i}].label`),
    samples: position(o.samples, `${A.hottest}[${i}].samples`),
  }));
}

export function readBusyEvent(
  record: Record<string, unknown>,
  limits: DecodeLimits,
  where: Where,
): BusyEvent {
  const attrs = readAttributes(
    record.attributes,
    { maxAttributes: limits.maxAttributes, maxAttributeLength: EVENT_ATTRIBUTE_LENGTH },
    () => `${where()}.attributes`,
  );
  const samples = number(attrs, A.samples, false) ?? 0;
  const hottestSamples = number(attrs, A.hottestSamples, false) ?? 0;
  if (hottestSamples > samples) {
    reject(`${A.hottestSamples} (${hottestSamples}) must not exceed ${A.samples} (${samples})`);
  }
  const caller = attrs[A.caller];
  return {
    timeMs: eventTimeMs(record, where),
    durationMs: number(attrs, A.durationMs, true)!,
    utilization: ratio(number(attrs, A.utilization, true), A.utilization)!,
    thresholdUtilization: ratio(
      number(attrs, A.thresholdUtilization, false),
      A.thresholdUtilization,
    ),
    samples,
    hottestSamples,
    fingerprint: fingerprintOf(attrs[A.fingerprint], A.fingerprint),
    label: text(attrs[A.label], A.label),
    caller: caller === undefined ? undefined : text(caller, A.caller),
    hottest: hottest(attrs[A.hottest]),
    frames: frames(attrs[A.frames], A.frames),
  };
}
