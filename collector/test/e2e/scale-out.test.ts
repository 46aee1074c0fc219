// Issue 11, end to end on loopback: 3 collector replicas (the real CLI)
// behind a real nginx (round robin, no stickiness), 4 real agents in child
// processes exporting every 500 ms, remote write to a real Prometheus and,
// in a second run, a real VictoriaMetrics. One replica is SIGKILLed mid-run;
// in the Prometheus run the database is also down for 20 s. Afterwards the
// database holds exactly what the agents last exported: the totals each
// replica's own store saw, one series per (instance, metric, labels), a
// fleet p99 in the bucket of the known blocks, and nothing rejected.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  freePort,
  startPrometheus,
  startVictoriaMetrics,
  waitFor,
  type PromSample,
} from '@loopscope/testkit';
import { METRICS, DELAY_BUCKETS_SECONDS } from '@loopscope/agent/names';
import { promNameOf } from '../../src/prometheus/name.js';
import { REMOTE_WRITE_METRICS } from '../../src/self-metric-names.js';
import { scrape } from '../helpers/collector.js';
import { BLOCK_MS, startFleetApp, startReplicas, type FleetApp } from '../helpers/fleet.js';

const BLOCKS = promNameOf(METRICS.eventloopBlocks);
const GC_COUNT = `${promNameOf(METRICS.gcDuration)}_count`;
const DELAY_BUCKET = `${promNameOf(METRICS.eventloopDelay)}_bucket`;
const INSTANCES = ['app-1', 'app-2', 'app-3', 'app-4'];
const OOO = 'storage:\n  tsdb:\n    out_of_order_time_window: 10m';

interface Database {
  readonly writeUrl: string;
  query(expr: string): Promise<PromSample[]>;
  /** Samples the database refused so far (its own counters), and which counters. */
  rejected(): Promise<{ count: number; detail: string }>;
}

/** Sum of the samples of a Prometheus-format text whose line matches `re`. */
function sumLines(text: string, re: RegExp): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('#') && re.test(line))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** `name{labels}` -> value of every line of `text` for one instance (labels as written). */
function seriesOf(text: string, instance: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.includes(`instance="${instance}"`)) continue;
    if (line.startsWith('loopscope_sender_last_seen') || line.startsWith('target_info')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** A database result as the same `name{labels}` keys (labels sorted, job and instance first). */
function keyOf(s: PromSample): string {
  const { __name__: name, job, instance, ...rest } = s.metric;
  const pairs = Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1));
  return `${name}{${[['job', job], ['instance', instance], ...pairs].map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}

function normalize(key: string): string {
  const m = /^([^{]+)\{(.*)\}$/.exec(key)!;
  const pairs = [...m[2]!.matchAll(/([^=,]+)="((?:[^"\\]|\\.)*)"/g)].map(
    (p) => [p[1]!, p[2]!] as const,
  );
  const head = pairs.filter(([k]) => k === 'job' || k === 'instance');
  const rest = pairs
    .filter(([k]) => k !== 'job' && k !== 'instance')
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `${m[1]}{${[...head.sort(([a]) => (a === 'job' ? -1 : 1)), ...rest].map(([k, v]) => `${k}="${v}"`).join(',')}}`;
}

async function drained(urls: readonly string[]): Promise<void> {
  await waitFor(
    async () => {
      for (const url of urls) {
        const text = await scrape(url);
        if (sumLines(text, new RegExp(`^${REMOTE_WRITE_METRICS.queueBytes}\\{`)) > 0) return false;
      }
      return true;
    },
    { what: 'every remote-write queue to drain', timeoutMs: 60_000, intervalMs: 250 },
  );
}

/**
 * The checks both runs make once the apps are done and the queues drained. A
 * database makes what it received searchable a moment later (VictoriaMetrics
 * flushes its in-memory parts about every second), so the checks are retried
 * for a while before their failure counts.
 */
async function assertFleet(...args: Parameters<typeof checkFleet>): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await checkFleet(...args);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(1000);
    }
  }
}

async function checkFleet(
  db: Database,
  apps: readonly FleetApp[],
  counts: readonly { blocks: number; gcs: number }[],
  survivors: readonly string[],
  blockPhaseStart: number,
): Promise<void> {
  const texts = await Promise.all(survivors.map((u) => scrape(u)));
  for (const [i, app] of apps.entries()) {
    // What the agent last exported: the highest of the replicas' stored cumulative values.
    const stored = texts.map((t) => seriesOf(t, app.instance));
    const last = new Map<string, number>();
    for (const s of stored) for (const [k, v] of s) last.set(k, Math.max(last.get(k) ?? -1, v));
    const inDb = await db.query(`{job="fleet",instance="${app.instance}"}`);
    const dbSeries = new Map(
      inDb
        .filter(
          (s) =>
            !['target_info', 'loopscope_sender_last_seen_timestamp_seconds'].includes(
              s.metric.__name__!,
            ),
        )
        .map((s) => [keyOf(s), Number(s.value![1])]),
    );
    const exposed = new Map([...last].map(([k, v]) => [normalize(k), v]));
    assert.deepEqual(
      [...dbSeries.keys()].sort(),
      [...exposed.keys()].sort(),
      `${app.instance}: the database has exactly the series of /metrics, once each`,
    );
    const blocksKey = normalize(`${BLOCKS}{job="fleet",instance="${app.instance}"}`);
    assert.equal(dbSeries.get(blocksKey), exposed.get(blocksKey), `${app.instance}: blocks total`);
    assert.ok(
      dbSeries.get(blocksKey)! >= counts[i]!.blocks,
      `${app.instance}: the agent counted every one of the app's ${counts[i]!.blocks} blocks (${dbSeries.get(blocksKey)})`,
    );
    let gcDb = 0;
    let gcStored = 0;
    for (const [k, v] of dbSeries) if (k.startsWith(`${GC_COUNT}{`)) gcDb += v;
    for (const [k, v] of exposed) if (k.startsWith(`${GC_COUNT}{`)) gcStored += v;
    assert.equal(gcDb, gcStored, `${app.instance}: GC count`);
    assert.ok(
      gcDb >= counts[i]!.gcs,
      `${app.instance}: ${gcDb} GCs >= the app's own ${counts[i]!.gcs}`,
    );
    // Every cumulative value equal, not only the two above (a gauge's latest value is
    // not the highest, and /metrics carries no timestamps to tell which replica's is newer).
    for (const [k, v] of exposed) {
      if (!/^[^{]+_(total|bucket|count|sum)\{/.test(k)) continue;
      if (Number.isInteger(v)) assert.equal(dbSeries.get(k), v, k);
      // VictoriaMetrics keeps about 12 significant digits of a float.
      else {
        assert.ok(
          Math.abs(dbSeries.get(k)! - v) <= 1e-9 * Math.abs(v),
          `${k}: ${dbSeries.get(k)} vs ${v}`,
        );
      }
    }
  }
  // Over the block phase only: the apps' start-up (loading the agent on a busy
  // machine) stalls the loop too, and those stalls are not the known blocks.
  const window = Math.floor((Date.now() - blockPhaseStart) / 1000);
  const [p99] = await db.query(
    `histogram_quantile(0.99, sum by (le) (increase(${DELAY_BUCKET}{job="fleet"}[${window}s])))`,
  );
  const v = Number(p99?.value?.[1]);
  // The blocks are a few % of the delay samples, so the p99 cannot be below their
  // bucket; on a loaded machine the apps are also descheduled for hundreds of ms
  // (measured: load 33 on 2 cores gave 0.47 s, load 20 gave 1.35 s), so the upper bound is loose: a
  // broken conversion (buckets not cumulative, doubled by two replicas, le wrong)
  // lands far outside it. The exact bucket counts are compared above.
  const upper = DELAY_BUCKETS_SECONDS.find((b) => b >= BLOCK_MS / 1000)!;
  const lower = DELAY_BUCKETS_SECONDS[DELAY_BUCKETS_SECONDS.indexOf(upper) - 1]!;
  assert.ok(
    v > lower && v <= 2.5,
    `fleet p99 ${v} s: at least the bucket of the ${BLOCK_MS} ms blocks (${lower}, ${upper}], at most 2.5 s`,
  );
  const rejected = await db.rejected();
  assert.equal(rejected.count, 0, `the database rejected no sample (${rejected.detail})`);
  for (const text of texts) {
    assert.equal(
      sumLines(text, /^loopscope_collector_remote_write_samples_total\{.*result="dropped"/),
      0,
    );
  }
}

async function runFleet(
  t: TestContext,
  db: Database,
  runMs: number,
  outage?: { stop(): Promise<void>; start(): Promise<void> },
): Promise<void> {
  const { collectors, nginx } = await startReplicas(t, 3, [
    '--remote-write-url',
    db.writeUrl,
    '--expire-after',
    '2m',
  ]);
  const started = Date.now();
  const apps = INSTANCES.map((i) => startFleetApp(t, nginx.url, i, runMs));
  await Promise.all(apps.map((a) => a.child.waitForOutput(/app started/, 90_000)));
  // The agents' first exports (with the start-up stalls) are out by then.
  await sleep(1500);
  const blockPhaseStart = Date.now();
  await sleep(1500);
  // One replica dies: what it held in memory or in its queue is restated by the next export.
  collectors[2]!.child.process.kill('SIGKILL');
  const survivors = collectors.slice(0, 2).map((c) => c.url);
  if (outage) {
    await sleep(1000);
    await outage.stop();
    await sleep(20_000);
    // The queues held what could not be written.
    for (const url of survivors) {
      const text = await scrape(url);
      assert.ok(
        sumLines(text, new RegExp(`^${REMOTE_WRITE_METRICS.queueBytes}\\{`)) > 0,
        'queue holds during the outage',
      );
      assert.ok(
        sumLines(text, /^loopscope_collector_remote_write_requests_total\{.*code="error"/) > 0,
      );
    }
    await outage.start();
  }
  const counts = await Promise.all(apps.map((a) => a.done()));
  t.diagnostic(`apps done after ${Date.now() - started} ms`);
  // On SIGTERM each agent sends its final export (and the app exits as it would without it).
  await Promise.all(apps.map((a) => a.child.stop('SIGTERM', 10_000)));
  await drained(survivors);
  t.diagnostic(`drained after ${Date.now() - started} ms`);
  await assertFleet(db, apps, counts, survivors, blockPhaseStart);
  void nginx;
}

test('3 replicas behind nginx -> Prometheus: replica killed, database down 20 s, totals exact', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'loopscope-prom-data-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const options = {
    targets: [],
    flags: ['--web.enable-remote-write-receiver'],
    extraConfig: OOO,
    dataDir,
    port,
  };
  let prom = await startPrometheus(options);
  t.after(() => prom.stop());
  /** Refusals counted by the Prometheus instances that are gone (counters restart with it). */
  let earlier = { count: 0, detail: '' };
  const refusals = async (): Promise<{ count: number; detail: string }> => {
    const text = await (await fetch(`${prom.url}/metrics`)).text();
    // Only refusals lose data: a 4xx is dropped by the collector. A 503 answers
    // writes between a restarted Prometheus opening its port and its TSDB being
    // ready; the collector retries it (dropped = 0 and exact totals show that).
    const http = sumLines(
      text,
      /^prometheus_http_requests_total\{code="4[^"]*",handler="\/api\/v1\/write"/,
    );
    const retried = sumLines(
      text,
      /^prometheus_http_requests_total\{code="5[^"]*",handler="\/api\/v1\/write"/,
    );
    const ooo = sumLines(text, /^prometheus_tsdb_out_of_order_samples_total/);
    const appended = sumLines(text, /^prometheus_tsdb_head_out_of_order_samples_appended_total/);
    const detail = `write refusals ${http}, retried 5xx ${retried}, out-of-order rejected ${ooo}, out-of-order appended ${appended}`;
    t.diagnostic(`Prometheus: ${detail}`);
    return { count: http + ooo, detail };
  };
  const db: Database = {
    writeUrl: `${prom.url}/api/v1/write`,
    query: (e) => prom.query(e),
    rejected: async () => {
      const now = await refusals();
      return {
        count: earlier.count + now.count,
        detail: `before the restart: ${earlier.detail}; after: ${now.detail}`,
      };
    },
  };
  await runFleet(t, db, 26_000, {
    async stop() {
      earlier = await refusals();
      await prom.stop(10_000);
    },
    async start() {
      prom = await startPrometheus(options);
    },
  });
});

test('3 replicas behind nginx -> VictoriaMetrics: replica killed, totals exact', async (t) => {
  const vm = await startVictoriaMetrics();
  t.after(() => vm.stop());
  const db: Database = {
    writeUrl: vm.writeUrl,
    query: (e) => vm.query(e),
    rejected: async () => {
      const ignored = await vm.selfMetric('vm_rows_ignored_total');
      const errors = await vm.selfMetric('vm_http_request_errors_total');
      return {
        count: ignored + errors,
        detail: `rows ignored ${ignored}, request errors ${errors}`,
      };
    },
  };
  await runFleet(t, db, 10_000);
});
