/**
 * Caps on every input of the target service. A load test must not be able to
 * wedge its own target for minutes (`?ms=1e9`) or exhaust file descriptors.
 */
export interface Limits {
  readonly blockMs: number;
  readonly pbkdf2Iterations: number;
  readonly leakPerRequest: number;
  readonly leakTotal: number;
}

export const LIMITS: Limits = {
  /** Longest synchronous block of the event loop per request. */
  blockMs: 2_000,
  /** Most pbkdf2 iterations per request (about 0.5 s of one pool thread here). */
  pbkdf2Iterations: 1_000_000,
  /** Most handles one `/leak` request may open. */
  leakPerRequest: 500,
  /** Most leaked handles open at once; each costs two file descriptors. */
  leakTotal: 4_000,
};
