/**
 * Event-loop delay accuracy, end to end: a child app with the agent loaded
 * via --import, exporting OTLP/protobuf to a receiver that decodes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@loopscope/testkit';
import { METRICS } from '../../src/names.js';
import { reports, startAgentChild } from '../helpers/agent-child.js';
import { bucketIndex, histogramDelta, histogramPoint, quantile } from '../helpers/histogram.js';
import { metricsOf, startReceiver, type ReceivedExport } from '../helpers/receiver.js';

interface Report {
  phase?: string;
  at?: number;
  block?: number;
  took?: number;
}

/** The delay histogram as of the last export received before `time` (undefined: none yet). */
function delayAt(exports: readonly ReceivedExport[], time: number) {
  const last = exports
    .filter((e) => e.at <= time && metricsOf(e).some((m) => m.name === METRICS.eventloopDelay.name))
    .at(-1);
  return (
    last && histogramPoint(metricsOf(last).find((m) => m.name === METRICS.eventloopDelay.name))
  );
}

// Margins: these tests assert behaviour with bounds only a regression crosses on a loaded
// 2-core machine (CI runs with a CPU hog beside it). The tight figures (idle p99 < 1 ms,
// each block within 2 ms) are goals of `npm run bench -- accuracy`, per Node line.
test('idle loop: p99 < 5 ms at the default resolution, exporting every 2 s', async (t) => {
  const receiver = await startReceiver(t);
  startAgentChild(t, 'blocks.js', {
    endpoint: receiver.url,
    env: { IDLE_MS: '42000', OTEL_METRIC_EXPORT_INTERVAL: '2000' },
  });
  await receiver.waitForExports(17, 55_000);
  // Five 6 s windows after start-up. Real stalls happen in an idle process too: V8's
  // housekeeping (a burst of GC tasks some 10-20 s after start: 5-13 ms measured), and
  // ~1 ms left of an export now and then; a neighbour stealing the CPU adds more. The
  // agent reports them, rightly; the quietest window shows its own floor.
  const windows = [1, 4, 7, 10, 13].map((i) =>
    histogramDelta(
      delayAt(receiver.exports, receiver.exports[i + 3]!.at)!,
      delayAt(receiver.exports, receiver.exports[i]!.at)!,
    ),
  );
  for (const w of windows) {
    t.diagnostic(
      `idle window: ${w.count} samples, p50 ${(quantile(w, 0.5) * 1000).toFixed(3)} ms, p99 ${(quantile(w, 0.99) * 1000).toFixed(3)} ms`,
    );
    assert.ok(w.count >= 50, `${w.count} samples`);
    assert.ok(quantile(w, 0.5) < 0.002, `idle p50 ${quantile(w, 0.5)} s`);
  }
  const p99 = Math.min(...windows.map((w) => quantile(w, 0.99)));
  assert.ok(p99 < 0.005, `idle p99 ${(p99 * 1000).toFixed(3)} ms`);
});

test('blocks of 20, 50, 200 and 1000 ms: the best of three read from 5 ms under to 15% (at least 10 ms) over, each in its own bucket or the next', async (t) => {
  const receiver = await startReceiver(t);
  const sizes = [20, 50, 200, 1000];
  const child = startAgentChild(t, 'blocks.js', {
    endpoint: receiver.url,
    env: {
      IDLE_MS: '1500',
      // Each size three times, seconds apart: a neighbour stealing the CPU only adds
      // delay (CI runs have had two blocks in a row 2 ms high), the best shows the
      // agent's own error.
      BLOCKS: [...sizes, ...sizes, ...sizes].join(','),
      GAP_MS: '600',
      OTEL_METRIC_EXPORT_INTERVAL: '250',
    },
  });
  await child.waitForOutput(/"phase":"done"/, 40_000);
  const doneAt = Date.now();
  await waitFor(() => receiver.exports.some((e) => e.at > doneAt + 300), {
    what: 'an export after the last block',
  });
  assert.ok(receiver.exports.every((e) => e.encoding === 'protobuf'));

  const blocks = reports<Report>(child).filter((r) => r.block !== undefined);
  assert.equal(blocks.length, 3 * sizes.length);
  // One collection window per export (250 ms, blocks 600 ms apart). A block is read
  // from the collections within 1.5 s of its end: the one nearest its duration. The
  // blocks around it have other sizes, and blocks of one size are over 3 s apart, so
  // no two blocks can be read from the same collection. (Matching a collection by
  // time alone missed blocks on Node 24 in CI: the SDK's clock and the tick's timing
  // leave no exact boundary.)
  const maxes = receiver
    .all(METRICS.eventloopDelayMax.name)
    .flatMap((m) =>
      m.type === 'gauge' ? m.points.map((p) => ({ timeMs: p.timeMs, ms: p.value * 1000 })) : [],
    );
  const maxNear = (at: number, took: number) =>
    maxes
      .filter((m) => Math.abs(m.timeMs - at) <= 1500)
      .reduce((a, m) => (Math.abs(m.ms - took) < Math.abs(a - took) ? m.ms : a), Infinity);
  const start = delayAt(
    receiver.exports,
    reports<Report>(child).find((r) => r.phase === 'idle-end')!.at!,
  );
  // On a loaded machine the first export can come after the idle phase: then count from 0
  // (the assertions below are lower bounds on each block's bucket).
  const latest = histogramPoint(receiver.latest(METRICS.eventloopDelay.name));
  const delta = start ? histogramDelta(latest, start) : latest;
  // Every block is one sample in the bucket of its true duration or, when a neighbour
  // stole the CPU right after it (a 20.08 ms block read 26.9 ms on a loaded machine), the
  // next one up; or the one below, as 20, 50, 200 and 1000 ms are bucket bounds and a right
  // reading can be a fraction of a millisecond under the block (the other iterations'
  // typical cost is taken out: 50.05 ms read 49.87 ms). Counting from the top, each bucket
  // from the one below it up holds at least the blocks that belong from it up, and each
  // bucket with its two neighbours at least its own.
  const counts = new Array<number>(delta.bucketCounts.length).fill(0);
  for (const { took } of blocks) counts[bucketIndex(delta.bounds, took! / 1000)]!++;
  const histAt = (i: number) => delta.bucketCounts[i] ?? 0;
  const from = (b: number, xs: (i: number) => number) =>
    Array.from({ length: counts.length - b }, (_, i) => xs(b + i)).reduce((x, y) => x + y, 0);
  for (let b = 0; b < counts.length; b++) {
    if (counts[b] === 0) continue;
    const where = `le=${delta.bounds[b]}: ${counts[b]} blocks, histogram ${delta.bucketCounts.join(' ')}`;
    assert.ok(from(Math.max(0, b - 1), histAt) >= from(b, (i) => counts[i]!), where);
    assert.ok(histAt(b - 1) + histAt(b) + histAt(b + 1) >= counts[b]!, where);
  }
  // A neighbour stealing the CPU right after a block only adds to the reading (seen: a
  // 200 ms block read 417.8 ms once on a loaded machine), and the nearest collection of
  // an over-read can be another block's small one, so the best of three is held to
  // -5 ms..+15% (at least 10 ms) and every read to at most 2x + 100 ms.
  for (const size of sizes) {
    const reads = blocks
      .filter((b) => b.block === size)
      .map(({ took, at }) => {
        const reported = maxNear(at!, took!);
        t.diagnostic(
          `block ${size} ms: took ${took!.toFixed(2)} ms, reported max ${reported.toFixed(2)} ms`,
        );
        return { took: took!, over: reported - took! };
      });
    const all = `block of ${size} ms read ${reads.map((r) => `${r.over >= 0 ? '+' : ''}${r.over.toFixed(2)}`).join(', ')} ms off`;
    for (const r of reads) {
      assert.ok(r.over <= r.took + 100, all);
    }
    const best = reads.reduce((a, r) => (Math.abs(r.over) < Math.abs(a.over) ? r : a));
    assert.ok(best.over >= -5 && best.over <= Math.max(10, 0.15 * best.took), all);
  }
});
