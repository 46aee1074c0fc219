/**
 * Runs every query of the generated dashboards against a Prometheus-compatible
 * database, with the variables resolved the way Grafana does, and reports
 * the queries that returned nothing. Shared by the end-to-end tests against
 * Prometheus (scraping) and VictoriaMetrics.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { stringify } from 'node:querystring';
import type { PromApi } from '@loopscope/testkit';
import { DASHBOARDS_DIR } from '../../src/generate.js';
import { PROM } from '../../src/metrics.js';
import { namesIn, panelExprs, substitute, variableQueries, type DashboardJson } from './queries.js';
import { repoPath } from './repo.js';

export type QueryApi = Pick<PromApi, 'query' | 'api'>;

export const DASHBOARD_FILES = [
  'loopscope-fleet.json',
  'loopscope-instance.json',
  'loopscope-k6.json',
] as const;

/**
 * Metric families declared in names.ts for the blocked-loop watchdog (issue 8)
 * that an agent may not export yet. Their panels may be empty only while no
 * sender exports the family at all; once the agent does, they must have data.
 */
const NOT_YET_EXPORTED_OK = new Set([
  PROM.eventloopBlocks,
  PROM.eventloopBlockDuration,
  // Exported only while the process's cgroup has a CPU quota (agent README, "CPU pressure
  // between stalls"); the test app runs without one. Absent, never zero: empty is right.
  PROM.cgroupCpuLimit,
  PROM.cgroupCpuThrottledPeriods,
  PROM.cgroupCpuPeriods,
  PROM.cgroupCpuThrottledTime,
]);

/** Families in a collector's exposition (histogram series folded to their base name). */
export async function exportedFamilies(collectorUrl: string): Promise<Set<string>> {
  const text = await (await fetch(`${collectorUrl}/metrics`)).text();
  return new Set(
    text
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) =>
        (/^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l)?.[0] ?? '').replace(/_(bucket|sum|count)$/, ''),
      ),
  );
}

/** Every panel query of every dashboard: `empty` must stay empty; `waiting` lists excused families. */
export async function checkDashboardQueries(
  db: QueryApi,
  pick: Readonly<Record<string, string>>,
  exported: ReadonlySet<string>,
): Promise<{ checked: number; empty: string[]; waiting: string[] }> {
  const empty: string[] = [];
  const waiting: string[] = [];
  let checked = 0;
  for (const file of DASHBOARD_FILES) {
    const dashboard = JSON.parse(
      await readFile(repoPath(DASHBOARDS_DIR, file), 'utf8'),
    ) as DashboardJson;
    const vars: Record<string, string> = {};
    for (const v of variableQueries(dashboard)) {
      const selector = substitute(v.series, vars);
      const values = await db.api<string[]>(
        `/api/v1/label/${v.label}/values?${stringify({ 'match[]': selector })}`,
      );
      const value = pick[v.variable] ?? '';
      assert.ok(
        values.includes(value),
        `${file}: variable ${v.variable} offers ${values.join(', ')}, not ${value}`,
      );
      vars[v.variable] = value;
    }
    for (const q of panelExprs(dashboard)) {
      const expr = substitute(q.expr, vars);
      const series = await db.query(expr);
      checked++;
      if (series.length > 0) continue;
      const families = namesIn(expr).metrics.map((m) => m.replace(/_(bucket|sum|count)$/, ''));
      const excused = families.every((f) => NOT_YET_EXPORTED_OK.has(f) && !exported.has(f));
      (excused ? waiting : empty).push(`${q.where}: ${expr}`);
    }
  }
  return { checked, empty, waiting };
}
