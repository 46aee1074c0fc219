/** Bounds of the in-memory history; every one is enforced, not advisory. */
export interface HistoryOptions {
  /** How far back samples are kept (default 15 minutes). */
  readonly windowMs: number;
  /**
   * Samples kept per instance (default 900: 15 minutes at a 1 s export
   * interval). An instance exporting faster keeps a shorter window.
   */
  readonly maxPointsPerInstance: number;
  /**
   * Instances tracked at once (default 200). When full, a newcomer takes the
   * place of the longest-silent instance if that one is stale; while all are
   * live, newcomers are counted but not tracked.
   */
  readonly maxInstances: number;
  /** Window over which instances are ranked by loop-delay p99 (default 1 minute). */
  readonly rankWindowMs: number;
}

export const DEFAULT_HISTORY: HistoryOptions = {
  windowMs: 15 * 60_000,
  maxPointsPerInstance: 900,
  maxInstances: 200,
  rankWindowMs: 60_000,
};

/** Merges overrides onto the defaults; rejects values that would unbound memory. */
export function historyOptions(overrides: Partial<HistoryOptions> = {}): HistoryOptions {
  const options = { ...DEFAULT_HISTORY, ...overrides };
  for (const [key, value] of Object.entries(options)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`history option ${key} must be a positive integer, got ${value}`);
    }
  }
  return options;
}
