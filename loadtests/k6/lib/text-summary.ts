/**
 * A compact end-of-test text summary in the spirit of k6's own (thresholds
 * ✓/✗, checks, then every metric with its values), written here because
 * exporting handleSummary switches k6's summary off, and k6 v0.49's
 * `k6-summary` jslib is a remote import (no network on CI runners).
 * Reads the legacy summary data; the machine-readable shape (k6 1.x with
 * --new-machine-readable-summary) gets its run result and metric values.
 */

type Values = Record<string, number>;
interface MetricData {
  type?: string;
  contains?: string;
  values?: Values;
  thresholds?: Record<string, { ok?: boolean }>;
}
interface Check {
  name?: string;
  passes?: number;
  fails?: number;
}
interface Group {
  name?: string;
  checks?: Check[] | Record<string, Check>;
  groups?: Group[] | Record<string, Group>;
}

const list = <T>(v: T[] | Record<string, T> | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? v : Object.keys(v).map((k) => v[k] as T);

function num(v: number, contains: string | undefined): string {
  if (contains === 'time') {
    if (v >= 1000) return `${(v / 1000).toFixed(2)}s`;
    if (v >= 1) return `${v.toFixed(2)}ms`;
    return `${(v * 1000).toFixed(2)}µs`;
  }
  if (contains === 'data') {
    if (v >= 1e6) return `${(v / 1e6).toFixed(1)} MB`;
    if (v >= 1e3) return `${(v / 1e3).toFixed(1)} kB`;
    return `${v} B`;
  }
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

const ORDER = ['avg', 'min', 'med', 'max'];
const rank = (k: string): number => {
  const i = ORDER.indexOf(k);
  if (i >= 0) return i;
  const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(k);
  return p ? 10 + Number(p[1]) : 200;
};

function valuesLine(m: MetricData): string {
  const v = m.values ?? {};
  switch (m.type) {
    case 'counter':
      return `${num(v.count ?? 0, m.contains)} ${num(v.rate ?? 0, undefined)}/s`;
    case 'rate':
      return `${((v.rate ?? 0) * 100).toFixed(2)}% ✓ ${v.passes ?? 0} ✗ ${v.fails ?? 0}`;
    case 'gauge':
      return `${num(v.value ?? 0, m.contains)} min=${num(v.min ?? 0, m.contains)} max=${num(v.max ?? 0, m.contains)}`;
    default: {
      // k6's own order first; `count` is a number of samples, not a time.
      const keys = Object.keys(v).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
      return keys
        .map((k) => `${k}=${num(v[k] as number, k === 'count' ? undefined : m.contains)}`)
        .join(' ');
    }
  }
}

function checksOf(g: Group | undefined, out: Check[]): Check[] {
  if (!g) return out;
  for (const c of list(g.checks)) out.push(c);
  for (const sub of list(g.groups)) checksOf(sub, out);
  return out;
}

export function textSummary(data: Record<string, unknown>): string {
  const metrics = (data.metrics ?? {}) as Record<string, MetricData>;
  const names = Object.keys(metrics).sort();
  const lines: string[] = [''];
  const failed: string[] = [];
  for (const name of names) {
    const t = (metrics[name] as MetricData).thresholds ?? {};
    for (const expr of Object.keys(t)) {
      const ok = t[expr]?.ok !== false;
      if (!ok) failed.push(`${name}: ${expr}`);
      lines.push(`  ${ok ? '✓' : '✗'} ${name} ${expr}`);
    }
  }
  if (lines.length > 1) lines.splice(1, 0, '  thresholds');
  const checks = checksOf(data.root_group as Group | undefined, []);
  if (checks.length > 0) {
    lines.push('  checks');
    for (const c of checks)
      lines.push(
        `  ${(c.fails ?? 0) === 0 ? '✓' : '✗'} ${c.name} (${c.passes ?? 0} ✓ / ${c.fails ?? 0} ✗)`,
      );
  }
  lines.push('  metrics');
  const width = Math.max(0, ...names.map((n) => n.length));
  for (const name of names)
    lines.push(`  ${name.padEnd(width, '.')}: ${valuesLine(metrics[name] as MetricData)}`);
  const state = data.state as { testRunDurationMs?: number } | undefined;
  if (state?.testRunDurationMs !== undefined)
    lines.push(`  test run duration: ${(state.testRunDurationMs / 1000).toFixed(1)}s`);
  lines.push(
    failed.length === 0
      ? '  thresholds: all passed'
      : `  thresholds FAILED (${failed.length}): ${failed.join('; ')}`,
  );
  return `${lines.join('\n')}\n`;
}
