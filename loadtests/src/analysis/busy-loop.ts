/**
 * Names what saturated the loop when no stall crossed the agent's threshold:
 * sequential bcrypt logins in ~70 ms chunks keep a loop 98% busy with no
 * blocking stack captured, and the agent's busy-loop events are then the
 * only place the culprit is named.
 */
import { ms, pct } from '../report/units.js';
import type { BusyLoop } from '../server/source.js';
import type { Verdict } from './verdict.js';

/** `_key (bcryptjs/dist/bcrypt.js:1217) called from verifyPassword (src/auth.js:12)`. */
export const busyCulprit = (b: BusyLoop): string =>
  `${b.label}${b.caller ? ` called from ${b.caller}` : ''}`;

/**
 * Adds the busy-loop evidence; an event-loop verdict without a captured
 * blocking stack is named by the busiest stack.
 */
export function nameBusyLoop(
  verdict: Verdict,
  busyLoops: readonly BusyLoop[],
  blockingStacks: number,
): void {
  const top = busyLoops[0];
  if (!top) return;
  const samples = top.samples > 0 ? ` (${top.hottestSamples} of ${top.samples} stack samples)` : '';
  verdict.evidence.push(
    `the loop was saturated by ${busyCulprit(top)}: ${top.count} busy-loop event(s), utilization up to ${pct(top.maxUtilization, 0)} for ${ms(top.totalMs)} without a stall over the threshold${samples}`,
  );
  if (verdict.bottleneck === 'event-loop' && blockingStacks === 0)
    verdict.summary += `; saturated by ${busyCulprit(top)}`;
}
