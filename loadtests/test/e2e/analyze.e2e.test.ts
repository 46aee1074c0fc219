import { execFileSync, spawn } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPrometheus, waitFor } from '@loopscope/testkit';
import type { Report } from '../../src/analysis/report.js';
import { analyzeJson, explain, startAgentTarget, startCollector } from '../helpers/e2e.js';
import { ARTIFACTS, tempDir } from '../helpers/paths.js';
import { runPhase, type PhaseResult, type Stream } from '../helpers/phases.js';

const JOB = 'e2e/loadtest-target';
const PHASE_SECONDS = 8;

/**
 * The three phases: the loop blocked by synchronous handlers, the thread
 * pool queued by pbkdf2 (with fast requests beside, which stay fast), and
 * fast requests only. The target runs with a one-thread pool: 30 pbkdf2/s of
 * ~46 ms each (100,000 iterations, measured here) queue on any machine, and
 * the loop keeps a core of its own, so the phase tests queueing, not CPU
 * contention.
 */
const PHASES: Record<'block' | 'pool' | 'clean', Stream[]> = {
  block: [
    { name: 'ok', path: '/ok', rate: 50, connections: 10 },
    { name: 'block', path: '/block?ms=60', rate: 8, connections: 4 },
  ],
  pool: [
    { name: 'ok', path: '/ok', rate: 50, connections: 10 },
    { name: 'pbkdf2', path: '/pbkdf2?iterations=100000', rate: 30, connections: 40 },
  ],
  clean: [{ name: 'ok', path: '/ok', rate: 100, connections: 10 }],
};
/** The verdict with the source that gave it. */
const explainVia = (label: string, r: Report): string =>
  explain(`${label} via ${r.server?.source}`, r);

const EXPECTED = { block: 'event-loop', pool: 'thread-pool', clean: 'neither' } as const;

test(
  'end to end: target + agent + collector + Prometheus, loaded through a blocking, a thread-pool and a clean phase: each verdict is right from every source (collector, Prometheus, a --query-url replica)',
  { timeout: 240_000 },
  async (t) => {
    const dir = tempDir();
    mkdirSync(ARTIFACTS, { recursive: true });
    // The database is fed the scale-out way: the collector remote-writes every export into it.
    const prometheus = await startPrometheus({
      targets: [],
      flags: ['--web.enable-remote-write-receiver'],
    });
    t.after(() => prometheus.stop());

    const { url: collectorUrl } = await startCollector(t, [
      '--remote-write-url',
      `${prometheus.url}/api/v1/write`,
    ]);

    // A second collector with no agents of its own, reading the database (--query-url), as a
    // replica behind a load balancer does: its verdicts must be the single-process collector's.
    const { url: replicaUrl } = await startCollector(t, [
      '--query-url',
      prometheus.url,
      '--no-self-monitor',
      '--replica-name',
      'replica-b',
    ]);

    const { baseUrl, target } = await startAgentTarget(
      t,
      'loadtest-target',
      collectorUrl,
      {
        // The blocking phase's 60 ms stalls are captured (the default threshold is 100 ms).
        LOOPSCOPE_BLOCK_THRESHOLD_MS: '40',
        // The starved phase comes a minute into the run: it must still get captures.
        LOOPSCOPE_BLOCK_MAX_CAPTURES_PER_MIN: '600',
      },
      20_000,
    );
    await waitFor(async () => (await prometheus.query(`count({job="${JOB}"})`)).length > 0, {
      what: `job ${JOB} in Prometheus by remote write`,
      timeoutMs: 20_000,
      intervalMs: 250,
    });

    const results: Partial<Record<keyof typeof PHASES, PhaseResult>> = {};
    for (const phase of ['block', 'pool', 'clean'] as const) {
      results[phase] = await runPhase(
        baseUrl,
        phase,
        PHASES[phase],
        PHASE_SECONDS,
        join(dir, `${phase}.ndjson`),
      );
      // Let the pool's queue drain (a one-iteration pbkdf2 answers at once again), and the
      // next exports and scrapes pass, before the next phase.
      await waitFor(
        async () => {
          const started = Date.now();
          await fetch(`${baseUrl}/pbkdf2?iterations=1`);
          return Date.now() - started < 100;
        },
        { what: 'the thread pool to drain', timeoutMs: 30_000, intervalMs: 200 },
      );
      await sleep(3000);
    }

    for (const phase of ['block', 'pool', 'clean'] as const) {
      const file = (results[phase] as PhaseResult).file;
      const fromCollector = await analyzeJson(file, '--collector', collectorUrl, '--job', JOB);
      const fromPrometheus = await analyzeJson(
        file,
        '--prometheus',
        prometheus.url,
        '--job',
        JOB,
        '--html',
        join(ARTIFACTS, `e2e-${phase}.html`),
      );
      const fromReplica = await analyzeJson(file, '--collector', replicaUrl, '--job', JOB);
      // On a machine so loaded that the handlers' wall-clock waits were mostly run-queue wait,
      // the agent's anatomy rightly says so: CPU starvation is then an accepted verdict for a
      // source that read the anatomy (the --query-url replica holds no block events of its own).
      const starvedRun = (r: Report) => {
        const st = r.server?.stallTime;
        return st ? st.byCause.cpu_starved > st.byCause.code + st.byCause.gc : false;
      };
      if (fromCollector.analysis.verdict.bottleneck !== 'cpu-starvation')
        assert.equal(
          fromReplica.analysis.verdict.bottleneck,
          fromCollector.analysis.verdict.bottleneck,
          `the --query-url replica and the single-process collector disagree:\n${explainVia(phase, fromReplica)}\n${explainVia(phase, fromCollector)}`,
        );
      assert.equal(fromReplica.server?.source, 'collector');
      for (const r of [fromCollector, fromPrometheus, fromReplica]) {
        const v = r.analysis.verdict;
        if (v.bottleneck === 'cpu-starvation' && starvedRun(r)) {
          t.diagnostic(
            `${phase} via ${r.server?.source}: the machine starved the target: ${v.summary}`,
          );
          // A pool phase starved this badly fails the pool criteria too: the timeline blamed
          // nothing, and the anatomy says why (seen on this machine under other jobs' load).
          if (phase === 'pool') assert.match(v.evidence.join('\n'), /neither held requests up/);
        } else if (
          r === fromReplica &&
          fromCollector.analysis.verdict.bottleneck === 'cpu-starvation' &&
          v.bottleneck === 'event-loop'
        ) {
          // Without the anatomy (this collector's --query-url series do not carry the stall
          // time by cause), the starved loop looks blocked: the old verdict, said so in its evidence.
          assert.match(v.evidence.join('\n'), /cannot be told apart/, explainVia(phase, r));
        } else {
          assert.equal(v.bottleneck, EXPECTED[phase], explainVia(phase, r));
          assert.equal(v.degraded, phase !== 'clean', explainVia(phase, r));
        }
        assert.ok(
          r.overall.requests > PHASE_SECONDS * 40,
          `${phase}: ${r.overall.requests} requests`,
        );
        assert.ok(
          r.timeline.filter((x) => x.server.loopDelayP99 !== null).length >= PHASE_SECONDS - 2,
          explainVia(phase, r),
        );
      }
      for (const r of [fromCollector, fromPrometheus, fromReplica])
        t.diagnostic(`${phase} via ${r.server?.source}: ${r.analysis.verdict.summary}`);
      if (phase === 'block') {
        // The collector has the stacks the agent's watchdog captured: the target's handler.
        const stacks = fromCollector.blockingStacks;
        assert.ok(
          stacks.some((st) => st.frames.some((f) => /src\/target\/server\.js:\d+/.test(f))),
          JSON.stringify(stacks, null, 1),
        );
      }
      assert.equal(fromCollector.server?.source, 'collector');
      assert.equal(fromPrometheus.server?.source, 'prometheus');
      assert.equal(fromPrometheus.server?.instances.length, 1);
    }

    // CPU starvation: the target (every thread) and three busy loops pinned to CPU 0, and
    // handlers that wait 60 ms of wall time: the stalls are mostly run-queue wait, which the
    // agent's anatomy names cpu_starved, so the verdict is CPU starvation, not blocking code.
    const pid = target.process.pid as number;
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(pid)]);
    const burners = [0, 1, 2].map(() =>
      spawn('taskset', ['-c', '0', process.execPath, '-e', 'for (;;) {}'], { stdio: 'ignore' }),
    );
    const stopBurners = () => {
      for (const b of burners) if (b.exitCode === null && b.signalCode === null) b.kill('SIGKILL');
    };
    t.after(stopBurners);
    let starved: PhaseResult;
    try {
      await sleep(500);
      starved = await runPhase(
        baseUrl,
        'starved',
        [
          { name: 'ok', path: '/ok', rate: 20, connections: 10 },
          { name: 'block', path: '/block?ms=60', rate: 4, connections: 4 },
        ],
        PHASE_SECONDS,
        join(dir, 'starved.ndjson'),
      );
    } finally {
      stopBurners();
    }
    // The next exports and scrapes carry the phase's counters.
    await sleep(4000);
    const starvedFrom = {
      collector: await analyzeJson(starved.file, '--collector', collectorUrl, '--job', JOB),
      prometheus: await analyzeJson(
        starved.file,
        '--prometheus',
        prometheus.url,
        '--job',
        JOB,
        '--html',
        join(ARTIFACTS, 'e2e-starved.html'),
      ),
    };
    for (const r of Object.values(starvedFrom)) {
      const why = `${explainVia('starved', r)}\nstall time: ${JSON.stringify(r.server?.stallTime)}\ncpu pressure: ${JSON.stringify(r.server?.cpuPressure)}`;
      t.diagnostic(`starved via ${r.server?.source}: ${r.analysis.verdict.summary}`);
      assert.equal(r.analysis.verdict.bottleneck, 'cpu-starvation', why);
      const st = r.server?.stallTime;
      assert.ok(st && st.byCause.cpu_starved > st.byCause.code, why);
    }
    // Prometheus has the agent's counters: every stall's time by cause and the run-queue wait.
    assert.equal(starvedFrom.prometheus.server?.stallTime?.from, 'counter');
    assert.ok((starvedFrom.prometheus.server?.cpuPressure?.cpuWaitMs ?? 0) > 500);
    // The collector's captured stacks carry the anatomy; the handler's are marked as starved.
    const handler = starvedFrom.collector.blockingStacks.find(
      (s) => s.anatomy && s.anatomy.starved > 0,
    );
    assert.ok(handler, JSON.stringify(starvedFrom.collector.blockingStacks, null, 1));
  },
);
