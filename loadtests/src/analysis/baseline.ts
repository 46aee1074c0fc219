import type { Report } from './report.js';

export type GateKey = 'p95' | 'p99' | 'rps' | 'error_rate' | 'dropped' | 'loop_p99' | 'pool_p99';

interface GateDef {
  label: string;
  /** Which direction is worse. */
  worse: 'higher' | 'lower';
  /** Default allowed change in percent. */
  pct: number;
  /** Values at or below this (in the metric's unit) are noise and never fail a gate. */
  floor: number;
}

export const GATES: Readonly<Record<GateKey, GateDef>> = {
  p95: { label: 'latency p95 (ms)', worse: 'higher', pct: 10, floor: 1 },
  p99: { label: 'latency p99 (ms)', worse: 'higher', pct: 10, floor: 1 },
  rps: { label: 'request rate (/s)', worse: 'lower', pct: 10, floor: 0 },
  error_rate: { label: 'error rate', worse: 'higher', pct: 50, floor: 0.001 },
  dropped: { label: 'dropped iterations', worse: 'higher', pct: 0, floor: 0 },
  loop_p99: { label: 'event-loop delay p99 peak (ms)', worse: 'higher', pct: 25, floor: 5 },
  pool_p99: { label: 'thread-pool queue delay p99 peak (ms)', worse: 'higher', pct: 25, floor: 5 },
};
export const GATE_KEYS = Object.keys(GATES) as GateKey[];

export interface GateResult {
  /** Gate key, with `{name}` for per-name latency. */
  key: string;
  label: string;
  baseline: number;
  current: number;
  /** Percent change from baseline; Infinity when the baseline is 0 and the current is not. */
  changePct: number;
  allowedPct: number;
  regressed: boolean;
}

export interface BaselineComparison {
  file: string;
  results: GateResult[];
  regressed: boolean;
}

function change(baseline: number, current: number): number {
  if (baseline === current) return 0;
  if (baseline === 0) return current > 0 ? Infinity : -Infinity;
  return ((current - baseline) / Math.abs(baseline)) * 100;
}

function gate(
  key: string,
  def: GateDef,
  allowedPct: number,
  baseline: number,
  current: number,
): GateResult {
  const changePct = change(baseline, current);
  const worseBy = def.worse === 'higher' ? changePct : -changePct;
  const noise = def.worse === 'higher' && current <= def.floor;
  return {
    key,
    label: def.label,
    baseline,
    current,
    changePct,
    allowedPct,
    regressed: !noise && worseBy > allowedPct,
  };
}

/**
 * Compares a run with a baseline run. Each gate allows a percent change in
 * the bad direction; values under a noise floor never fail. Per-name p95 is
 * gated for names present in both runs.
 */
export function compareRuns(
  current: Report,
  baseline: Report,
  file: string,
  overrides: Partial<Record<GateKey, number>> = {},
): BaselineComparison {
  const allowed = (k: GateKey) => overrides[k] ?? GATES[k].pct;
  const results: GateResult[] = [];
  const add = (
    k: GateKey,
    b: number | null | undefined,
    c: number | null | undefined,
    key: string = k,
  ) => {
    if (b === null || b === undefined || c === null || c === undefined) return;
    if (!Number.isFinite(allowed(k))) return;
    results.push(gate(key, GATES[k], allowed(k), b, c));
  };
  add('p95', baseline.overall.latency?.p95, current.overall.latency?.p95);
  add('p99', baseline.overall.latency?.p99, current.overall.latency?.p99);
  add('rps', baseline.overall.rps, current.overall.rps);
  add('error_rate', baseline.overall.errorRate, current.overall.errorRate);
  add('dropped', baseline.overall.dropped, current.overall.dropped);
  add('loop_p99', baseline.server?.peaks.loopDelayP99, current.server?.peaks.loopDelayP99);
  add('pool_p99', baseline.server?.peaks.poolDelayP99, current.server?.peaks.poolDelayP99);
  const before = new Map(baseline.byName.map((g) => [g.key, g]));
  for (const g of current.byName) {
    const b = before.get(g.key);
    if (b) add('p95', b.latency?.p95, g.latency?.p95, `p95{${g.key}}`);
  }
  return { file, results, regressed: results.some((r) => r.regressed) };
}

/** `p95=15` -> ['p95', 15]; `dropped=off` disables a gate. */
export function parseGate(text: string): [GateKey, number] {
  const m = /^([a-z0-9_]+)=(off|\d+(?:\.\d+)?)$/.exec(text);
  if (!m || !GATE_KEYS.includes(m[1] as GateKey))
    throw new Error(
      `--gate expects KEY=PERCENT or KEY=off with KEY one of ${GATE_KEYS.join(', ')}; got ${JSON.stringify(text)}`,
    );
  return [m[1] as GateKey, m[2] === 'off' ? Infinity : Number(m[2])];
}
