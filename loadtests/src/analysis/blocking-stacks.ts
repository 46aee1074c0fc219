/**
 * An event-loop verdict names the code that blocked: the first frame, not
 * Node's own, of the heaviest captured stack, and how many stalls the agent
 * counted beside the captured sample of them.
 */
import type { BlockingStack } from '../server/source.js';
import type { Verdict } from './verdict.js';

/** Stacks named after the heaviest when it holds less than half the captured stall time. */
const RUNNERS_UP = 2;

const frameOf = (s: BlockingStack): string =>
  s.frames.find((f) => !/ node:/.test(f)) ?? s.frames[0] ?? '(no frames)';

/** Adds the blocking code to `verdict` (stacks heaviest first, as the sources give them). */
export function nameBlockingStacks(
  verdict: Verdict,
  stacks: readonly BlockingStack[],
  stallsCounted: number | undefined,
): void {
  const top = stacks[0];
  if (!top) return;
  const frame = frameOf(top);
  verdict.summary += `; blocked most by ${frame.split(' ')[0]}`;
  verdict.evidence.push(
    `the heaviest blocking stack starts in ${frame}: ${top.count} captured stall(s), ${top.totalMs.toFixed(0)} ms in all (see the stacks table)`,
  );
  // A capture that lands after its stall (the watchdog thread starved of CPU) names the
  // code that ran next: when the heaviest holds less than half the time, the next ones count too.
  const total = stacks.reduce((a, s) => a + s.totalMs, 0);
  const next = stacks
    .slice(1, RUNNERS_UP + 1)
    .map((s) => `${frameOf(s)} (${s.count} captured, ${s.totalMs.toFixed(0)} ms)`);
  if (top.totalMs < total / 2 && next.length > 0)
    verdict.evidence.push(
      `it holds ${((100 * top.totalMs) / total).toFixed(0)}% of the captured stall time; next: ${next.join('; ')}`,
    );
  if (stallsCounted !== undefined) {
    const captured = stacks.reduce((a, s) => a + s.count, 0);
    verdict.evidence.push(
      `the agent counted ${stallsCounted} stalls over its threshold during the run (${captured} captured: the stacks are a sample of them)`,
    );
  }
}
