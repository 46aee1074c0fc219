/** Row names shared by benchmark 2's child (apps/collection-costs.ts) and its report. */

/** The stall anatomy's clock read (IntervalClocks.read, once per heartbeat). */
export const ANATOMY_CLOCKS = 'stall-anatomy clocks';
