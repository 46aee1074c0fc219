/**
 * Per-fingerprint stall totals, merged in one place: the block store adds
 * each stall to its stack, the blocks API merges instances' stacks, and
 * loopscope-analyze groups a run's stalls (as
 * `@loopscope/collector/stall-totals`, which loads nothing else).
 */
export interface StallTotals {
  count: number;
  /** Summed duration, ms. */
  totalMs: number;
  maxMs: number;
  /** Start of the latest, ms since the epoch; kept only where the totals were created with it. */
  lastMs?: number;
}

/** One stall as totals. */
export const stallTotalsOf = (e: {
  readonly durationMs: number;
  readonly timeMs: number;
}): StallTotals => ({ count: 1, totalMs: e.durationMs, maxMs: e.durationMs, lastMs: e.timeMs });

/**
 * Adds `add` (one stall or another total) into `into`. True when `add` is at
 * least as recent: the caller then keeps `add`'s frames as the latest.
 */
export function addStallTotals(into: StallTotals, add: Readonly<StallTotals>): boolean {
  into.count += add.count;
  into.totalMs += add.totalMs;
  into.maxMs = Math.max(into.maxMs, add.maxMs);
  if (into.lastMs === undefined || add.lastMs === undefined || add.lastMs < into.lastMs) {
    return false;
  }
  into.lastMs = add.lastMs;
  return true;
}
