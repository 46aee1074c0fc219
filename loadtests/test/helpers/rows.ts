import type { Row } from '../../src/analysis/join.js';

export interface RowSpec {
  p95?: number | null;
  requests?: number;
  dropped?: number;
  loop?: number | null;
  loopMax?: number | null;
  pool?: number | null;
  elu?: number | null;
  resources?: number | null;
}

export const T0 = Date.parse('2025-06-02T10:00:00Z');

/** A constructed joined timeline: one row per second from T0. */
export function makeRows(n: number, spec: (i: number) => RowSpec): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const s = spec(i);
    const p95 = s.p95 === undefined ? 5 : s.p95;
    return {
      t: T0 + i * 1000,
      requests: s.requests ?? (p95 === null ? 0 : 100),
      rps: s.requests ?? (p95 === null ? 0 : 100),
      errors: 0,
      dropped: s.dropped ?? 0,
      vus: 0,
      p50: p95 === null ? null : p95 / 2,
      p95,
      p99: p95 === null ? null : p95 * 1.2,
      max: p95 === null ? null : p95 * 1.5,
      server: {
        loopDelayP99: s.loop === undefined ? 2 : s.loop,
        loopDelayMax: s.loopMax === undefined ? (s.loop ?? 2) * 1.5 : s.loopMax,
        utilization: s.elu === undefined ? 0.2 : s.elu,
        poolDelayP99: s.pool === undefined ? 1 : s.pool,
        activeResources: s.resources === undefined ? 12 : s.resources,
        poolPending: 0,
      },
    };
  });
}
