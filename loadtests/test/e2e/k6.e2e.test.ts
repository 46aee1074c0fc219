import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { startProcess, startPrometheus, type Prometheus } from '@loopscope/testkit';
import type { Report } from '../../src/analysis/report.js';
import { analyzeJson, explain, startAgentTarget, startCollector } from '../helpers/e2e.js';
import { ARTIFACTS, PACKAGE_DIR, tempDir } from '../helpers/paths.js';
import { k6OrSayWhyNot } from '../helpers/k6.js';
import { checkK6Dashboard, type DashboardRun } from '../helpers/k6-dashboard.js';

const K6_DIST = join(PACKAGE_DIR, 'dist', 'k6');
const JOB = 'e2e/k6-target';

interface Run {
  name: string;
  script: string;
  env: Record<string, string>;
  /** The bottleneck the analysis must name. */
  expect: 'neither' | 'event-loop' | 'thread-pool';
}

/**
 * Short runs of the real scripts (ES2017 build in dist/k6), at modest rates:
 * k6 and the target share 2 busy cores with the rest of the suite. The
 * target's pool has one thread, so 400,000-iteration pbkdf2 (~80 ms on a quiet
 * machine, more on a busy one) queues past ~12/s, well inside the climb to 30/s
 * (at 200,000 a quiet machine queued only in the last seconds); the ramp's every request costs 4 ms of loop CPU, so the loop
 * gives out near 200/s, well before the load generator does (~1,200/s).
 */
const RUNS: Run[] = [
  {
    name: 'steady',
    script: 'steady.js',
    env: { DURATION: '12s', RATE_SCALE: '0.5' },
    expect: 'neither',
  },
  {
    name: 'blocking',
    script: 'steady.js',
    env: { DURATION: '15s', RATE_SCALE: '0.5', BLOCK_RATE: '2', BLOCK_MS: '250' },
    expect: 'event-loop',
  },
  {
    name: 'threadpool',
    script: 'threadpool.js',
    env: { DURATION: '20s', RATE_SCALE: '0.5', POOL_RATE: '60', PBKDF2_ITERATIONS: '400000' },
    expect: 'thread-pool',
  },
  {
    name: 'ramp',
    script: 'ramp.js',
    env: { WARMUP: '3s', RAMP: '30s', MAX_RATE: '400', WORK_MS: '4' },
    expect: 'event-loop',
  },
];

interface K6Figures {
  requests: number;
  errors: number;
  dropped: number;
  p95: number;
  p99: number;
  exitCode: number | string;
  /** expression → passed, per metric, from k6's summary export. */
  thresholds: Map<string, boolean>;
}

/** k6's own figures, from the file k6 itself wrote (--summary-export). */
function k6Figures(exportFile: string, exitCode: number | string): K6Figures {
  const doc = JSON.parse(readFileSync(exportFile, 'utf8')) as {
    metrics: Record<string, Record<string, unknown>>;
  };
  const m = (name: string, key: string): number => Number(doc.metrics[name]?.[key] ?? 0);
  const thresholds = new Map<string, boolean>();
  for (const [name, metric] of Object.entries(doc.metrics)) {
    const t = metric.thresholds as Record<string, boolean> | undefined;
    // In --summary-export `true` means FAILED.
    for (const [expr, failed] of Object.entries(t ?? {}))
      thresholds.set(`${name} ${expr}`, !failed);
  }
  return {
    requests: m('http_reqs', 'count'),
    errors: m('http_req_failed', 'passes'),
    dropped: m('dropped_iterations', 'count'),
    p95: m('http_req_duration', 'p(95)'),
    p99: m('http_req_duration', 'p(99)'),
    exitCode,
    thresholds,
  };
}

const within = (a: number, b: number, rel: number) =>
  Math.abs(a - b) <= rel * Math.max(a, b) + 0.05;

test(
  'real k6: steady, blocking, thread-pool and ramp runs against the target with the agent and the collector; every output form agrees with k6',
  { timeout: 600_000 },
  async (t) => {
    const k6 = k6OrSayWhyNot();
    if (!k6) return;
    const dir = tempDir('loopscope-k6-');
    mkdirSync(ARTIFACTS, { recursive: true });
    const { url: collectorUrl, port: collectorPort } = await startCollector(t);
    const prometheus: Prometheus = await startPrometheus({
      targets: [`127.0.0.1:${collectorPort}`],
      flags: ['--web.enable-remote-write-receiver'],
    });
    t.after(() => prometheus.stop());

    const { baseUrl } = await startAgentTarget(t, 'k6-target', collectorUrl);
    await prometheus.waitForTargetsUp();

    const lines: string[] = [
      '| run | form | requests | errors | dropped | p95 ms | p99 ms | thresholds | verdict |',
      '|---|---|---|---|---|---|---|---|---|',
    ];
    const dashboardRuns: DashboardRun[] = [];
    for (const run of RUNS) {
      const base = join(dir, run.name);
      const files = {
        ndjson: `${base}.json.gz`,
        csv: `${base}.csv`,
        export: `${base}-export.json`,
        summary: `${base}-summary.json`,
      };
      const args = ['run', '--no-color'];
      for (const [k, v] of Object.entries({
        ...run.env,
        BASE_URL: baseUrl,
        TESTID: `e2e-${run.name}`,
        SUMMARY_PATH: files.summary,
      }))
        args.push('-e', `${k}=${v}`);
      args.push(
        '--out',
        `json=${files.ndjson}`,
        '--out',
        `csv=${files.csv}`,
        '--out',
        'experimental-prometheus-rw',
        '--summary-export',
        files.export,
        join(K6_DIST, run.script),
      );
      // This process idles while k6 runs: its own timer lateness is the machine's
      // scheduling delay, the evidence that a neighbour starved every process of CPU.
      const starvation = monitorEventLoopDelay({ resolution: 10 });
      starvation.enable();
      const fromMs = Date.now();
      const proc = startProcess(k6, args, {
        cwd: dir,
        env: {
          K6_PROMETHEUS_RW_SERVER_URL: `${prometheus.url}/api/v1/write`,
          K6_PROMETHEUS_RW_TREND_STATS: 'p(95),p(99),min,max,avg',
          K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s',
          K6_NO_USAGE_REPORT: 'true',
        },
      });
      const timer = setTimeout(() => proc.process.kill('SIGKILL'), 120_000);
      const exitCode = await proc.exited();
      clearTimeout(timer);
      const toMs = Date.now();
      starvation.disable();
      const starvedMs = starvation.percentile(99) / 1e6;
      writeFileSync(join(ARTIFACTS, `k6-${run.name}.stdout.txt`), proc.stdout() + proc.stderr());
      assert.ok(
        exitCode === 0 || exitCode === 99,
        `k6 ${run.name} exited ${exitCode}: ${proc.stderr()}`,
      );
      // handleSummary: the text summary and the path it wrote, on stdout.
      assert.match(proc.stdout(), /http_req_duration\.*: avg=/);
      assert.ok(proc.stdout().includes(`summary JSON written to ${files.summary}`), proc.stdout());
      const k = k6Figures(files.export, exitCode);
      dashboardRuns.push({
        testid: `e2e-${run.name}`,
        fromMs,
        toMs,
        requests: k.requests,
        dropped: k.dropped,
      });
      // Let the agent's last export and a scrape pass.
      await sleep(2500);

      const server = ['--collector', collectorUrl, '--job', JOB];
      const ndjson = await analyzeJson(
        files.ndjson,
        ...server,
        '--html',
        join(ARTIFACTS, `k6-${run.name}.html`),
      );
      // Summary files carry no times: the run's window as its samples say (k6's start-up
      // and end-of-test work on a busy machine take seconds the run itself does not).
      assert.ok(ndjson.window, `${run.name}: the NDJSON has a window`);
      const window = [
        '--from',
        new Date(ndjson.window.from).toISOString(),
        '--to',
        new Date(ndjson.window.to).toISOString(),
      ];
      const forms: [string, Report][] = [
        ['json.gz', ndjson],
        ['csv', await analyzeJson(files.csv, ...server)],
        ['summary-export', await analyzeJson(files.export, ...server, ...window)],
        ['handleSummary', await analyzeJson(files.summary, ...server, ...window)],
        [
          'json.gz --prometheus',
          await analyzeJson(files.ndjson, '--prometheus', prometheus.url, '--job', JOB),
        ],
      ];
      lines.push(
        `| ${run.name} | k6 | ${k.requests} | ${k.errors} | ${k.dropped} | ${k.p95.toFixed(1)} | ${k.p99.toFixed(1)} | exit ${k.exitCode} | (idle timer p99 ${starvedMs.toFixed(0)} ms) |`,
      );
      // Written as the runs go, so a failing run still leaves every figure so far.
      writeFileSync(join(ARTIFACTS, 'k6-figures.md'), `${lines.join('\n')}\n`);
      for (const [form, r] of forms) {
        const label = `${run.name} ${form}`;
        lines.push(
          `| ${run.name} | ${form} | ${r.overall.requests} | ${r.overall.errors} | ${r.overall.dropped} | ${r.overall.latency?.p95?.toFixed(1)} | ${r.overall.latency?.p99?.toFixed(1)} | ${r.thresholdsPassed === null ? 'n/a' : r.thresholdsPassed ? 'passed' : 'FAILED'}${r.thresholdsUnevaluated.length ? ` (+${r.thresholdsUnevaluated.length} not evaluable)` : ''} | ${r.analysis.verdict.bottleneck}${r.capacity ? `; capacity: break ${r.capacity.breakPointRps?.toFixed(0)}/s, ${r.capacity.exhausted}` : ''} |`,
        );
        writeFileSync(join(ARTIFACTS, 'k6-figures.md'), `${lines.join('\n')}\n`);
        assert.equal(r.overall.requests, k.requests, `${label}: requests`);
        assert.equal(r.overall.errors, k.errors, `${label}: errors`);
        assert.equal(r.overall.dropped, k.dropped, `${label}: dropped iterations`);
        const p95 = r.overall.latency?.p95 ?? NaN;
        const p99 = r.overall.latency?.p99 ?? NaN;
        assert.ok(within(p95, k.p95, 0.02), `${label}: p95 ${p95} vs k6 ${k.p95}`);
        assert.ok(within(p99, k.p99, 0.02), `${label}: p99 ${p99} vs k6 ${k.p99}`);
        // Every threshold the form could evaluate agrees with k6's own verdict on it...
        for (const th of r.thresholds) {
          const own = k.thresholds.get(`${th.metric} ${th.expression}`);
          assert.equal(th.passed, own, `${label}: threshold ${th.metric} ${th.expression}`);
        }
        // ...and the outcome equals k6's exit code (99: a threshold failed) where nothing was left out.
        if (r.thresholdsUnevaluated.length === 0)
          assert.equal(
            r.thresholdsPassed === false,
            exitCode === 99,
            `${label}: threshold outcome vs exit ${exitCode}`,
          );
        else if (r.thresholdsPassed === false) assert.equal(exitCode, 99, label);
        // No p99 above its max, from any source.
        for (const row of r.timeline) {
          const s = row.server;
          if (s.loopDelayP99 !== null && s.loopDelayMax !== null)
            assert.ok(
              s.loopDelayP99 <= s.loopDelayMax + 1e-9,
              `${label}: loop p99 ${s.loopDelayP99} > max ${s.loopDelayMax}`,
            );
        }
        if (run.name === 'ramp') {
          // A ramp is judged by what gave out first at its break point; summary files have
          // no timeline to find one in, and must at least not blame the pool.
          if (form === 'summary-export' || form === 'handleSummary') {
            assert.equal(r.capacity, null, label);
            assert.notEqual(r.analysis.verdict.bottleneck, 'thread-pool', explain(label, r));
          } else {
            assert.equal(
              r.capacity?.exhausted,
              run.expect,
              `${label}: ${JSON.stringify(r.capacity)}`,
            );
            // --prometheus reads the loop through a rate window of four agent intervals, so one
            // late iteration (a neighbour holding the core) counts in four buckets in a row: beside
            // a CPU hog it broke this ramp at 27/s offered, loop 9% busy, while the collector's
            // per-interval history broke it at 65/s. That form is held to finding the break.
            assert.ok(
              form === 'json.gz --prometheus'
                ? r.capacity?.brokeAt != null
                : (r.capacity?.breakPointRps ?? 0) > 20,
              `${label}: ${JSON.stringify(r.capacity)}`,
            );
          }
        } else if (run.expect === 'neither' && starvedMs > 50) {
          // A steady run on a machine so busy that an idle process waited this long for a core:
          // the loop was late for the same reason, so only the pool and a named stack must stay out.
          assert.notEqual(r.analysis.verdict.bottleneck, 'thread-pool', explain(label, r));
          assert.doesNotMatch(JSON.stringify(r.blockingStacks), /blockFor/, label);
          t.diagnostic(
            `${label}: machine starved (idle timer p99 ${starvedMs.toFixed(0)} ms): verdict ${r.analysis.verdict.bottleneck}`,
          );
        } else assert.equal(r.analysis.verdict.bottleneck, run.expect, explain(label, r));
      }
      const fromNdjson = forms[0]?.[1] as Report;
      if (run.name === 'blocking') {
        const stacks = JSON.stringify(fromNdjson.blockingStacks);
        // Stalls come from the agent's counter (every 250 ms block, ~2 a second), the
        // captured stacks are a sample of them (at most 10 a minute by default).
        const fromProm = forms[4]?.[1] as Report;
        const captured = fromNdjson.blockingStacks.reduce((a, x) => a + x.count, 0);
        const counted = fromProm.server?.stallsCounted ?? 0;
        assert.ok(counted >= 15, `the agent counted ${counted} stalls`);
        assert.ok(counted >= captured, `counted ${counted} >= captured ${captured}`);
        // --collector counts them from the same counter (its series), not from the captures
        // (test/e2e/stall-count.e2e.test.ts checks the count against the agent's own).
        const viaCollector = fromNdjson.server?.stallsCounted ?? 0;
        assert.ok(
          Math.abs(viaCollector - counted) <= 2,
          `--collector counted ${viaCollector}, --prometheus ${counted}`,
        );
        lines.push(
          `| blocking | stalls | agent counted ${counted} (--collector ${viaCollector}) | captured ${captured} | | | | | |`,
        );
        assert.match(stacks, /blockFor/, 'the blocking function is among the captured stacks');
        // The verdict names the heaviest captured stack. That is blockFor on a quiet machine;
        // with a core taken, a capture can land just after blockFor returns, in the same
        // callback (fastify's writePayload: 3 of 4 captures in a CPU-hog CI run), so the
        // verdict is held to naming the heaviest stack, and blockFor must be in the stacks.
        const heaviest = fromNdjson.blockingStacks[0]?.frames.find((f) => !/ node:/.test(f));
        assert.ok(heaviest, 'a heaviest stack with a frame outside Node');
        assert.ok(
          fromNdjson.analysis.verdict.summary.endsWith(`blocked most by ${heaviest.split(' ')[0]}`),
          `${fromNdjson.analysis.verdict.summary} names ${heaviest}`,
        );
      }
      await sleep(1500);
    }
    lines.push('', ...(await checkK6Dashboard(prometheus, dashboardRuns)));
    writeFileSync(join(ARTIFACTS, 'k6-figures.md'), `${lines.join('\n')}\n`);
    t.diagnostic(`\n${lines.join('\n')}`);
  },
);
