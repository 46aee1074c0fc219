import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzip } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { registerLoopscopeMetrics } from '../../src/run-samplers.js';
import { ATTR, METRICS } from '../../src/names.js';
import { find, memoryMetrics } from '../helpers/memory.js';

/** Seconds of CPU per thread name, from one collection. */
function byName(metric: ReturnType<typeof find>): Map<string, number> {
  return new Map(
    metric.dataPoints.map((p) => [String(p.attributes[ATTR.threadName]), p.value as number]),
  );
}

test('CPU-bound pool work (8 concurrent gzip of 4 MB) shows as CPU time of the threads outside the main thread', async (t) => {
  const mem = memoryMetrics(t);
  const handle = registerLoopscopeMetrics(mem.meter, { blockThresholdMs: 0 });
  t.after(() => handle.stop());
  const before = byName(find(await mem.collect(), METRICS.threadsCpuTime.name));
  const data = randomBytes(4 * 1024 * 1024);
  const cpuBefore = process.cpuUsage();
  const wallStart = Date.now();
  await Promise.all(
    Array.from({ length: 8 }, () => new Promise((r, j) => gzip(data, (e, z) => (e ? j(e) : r(z))))),
  );
  const wall = (Date.now() - wallStart) / 1000;
  const after = byName(find(await mem.collect(), METRICS.threadsCpuTime.name));
  const used = [...after].reduce((s, [name, v]) => s + v - (before.get(name) ?? 0), 0);
  const processCpu = (process.cpuUsage(cpuBefore).user + process.cpuUsage(cpuBefore).system) / 1e6;
  // gzip of random data is CPU work on the pool: most of the process's CPU is off the main thread.
  assert.ok(
    used > 0.5 * processCpu,
    `threads used ${used.toFixed(3)} s of ${processCpu.toFixed(3)} s CPU in ${wall.toFixed(2)} s`,
  );
  // Never more than the process used (main thread excluded).
  assert.ok(used <= processCpu * 1.05 + 0.02, `threads ${used} s > process ${processCpu} s`);
  const main = readFileSync(`/proc/self/task/${process.pid}/comm`, 'utf8').trim();
  t.diagnostic(`names: ${[...after.keys()].join(', ')} (main thread: ${main})`);
});
