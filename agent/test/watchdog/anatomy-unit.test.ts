import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseCpuStat,
  parseLimit,
  parseMountinfo,
  parseProcCgroup,
} from '../../src/loop/cgroup-cpu.js';
import { parseSchedstat, parseSchedstatBytes } from '../../src/loop/thread-clock.js';
import { anatomyOf } from '../../src/watchdog/anatomy.js';

const base = { activeMs: 300, throttledMs: undefined, gcMs: 0 };

test('anatomy: JavaScript on the CPU is code; GC is taken out of it', () => {
  const a = anatomyOf({ ...base, wallMs: 300, cpuMs: 290, waitMs: 5, gcMs: 40 })!;
  assert.deepEqual(
    { cpu: a.cpuMs, gc: a.gcMs, wait: a.cpuWaitMs, off: a.offCpuMs, cause: a.cause },
    { cpu: 290, gc: 40, wait: 5, off: 5, cause: 'code' },
  );
  assert.equal(a.byCause.code + a.byCause.gc + a.byCause.cpu_starved + a.byCause.syscall, 300);
});

test('anatomy: off the CPU is syscall, run-queue wait is cpu_starved, throttled within it', () => {
  assert.equal(anatomyOf({ ...base, wallMs: 300, cpuMs: 5, waitMs: 2 })!.cause, 'syscall');
  const a = anatomyOf({
    ...base,
    wallMs: 2000,
    activeMs: 2000,
    cpuMs: 200,
    waitMs: 1800,
    throttledMs: 5000,
  })!;
  assert.equal(a.cause, 'cpu_starved');
  assert.equal(a.throttledMs, 1800, 'throttled is capped to cpu_wait (cgroup-wide, per CPU)');
});

test('anatomy: deltas over a longer active interval are scaled to the stall; wait inside the poll is capped', () => {
  const a = anatomyOf({ ...base, wallMs: 200, activeMs: 400, cpuMs: 400, waitMs: 0 })!;
  assert.equal(a.cpuMs, 200);
  const b = anatomyOf({ ...base, wallMs: 100, activeMs: 100, cpuMs: 90, waitMs: 50 })!;
  assert.equal(b.cpuWaitMs, 10, 'wait is what the CPU time leaves of the stall');
  assert.equal(b.offCpuMs, 0);
  assert.equal(anatomyOf({ ...base, wallMs: 100, cpuMs: undefined, waitMs: undefined }), undefined);
  assert.ok(anatomyOf({ ...base, wallMs: 100, cpuMs: 150, waitMs: 0, gcMs: 200 })!.gcMs <= 150);
});

test('parsers: schedstat, cpu.stat v1 and v2, limits, /proc/self/cgroup, mountinfo', () => {
  assert.deepEqual(parseSchedstat('211807901 638274259 96\n'), {
    cpuMs: 211.807901,
    waitMs: 638.274259,
  });
  assert.equal(parseSchedstat('garbage'), undefined);
  const bytes = Buffer.from('211807901 638274259 96\n');
  assert.deepEqual(parseSchedstatBytes(bytes, bytes.length), parseSchedstat(bytes.toString()));
  assert.equal(parseSchedstatBytes(Buffer.from('x'), 1), undefined);
  assert.deepEqual(parseCpuStat('nr_periods 51\nnr_throttled 50\nthrottled_time 3500000000\n'), {
    periods: 51,
    throttledPeriods: 50,
    throttledMs: 3500,
  });
  assert.deepEqual(
    parseCpuStat('usage_usec 1\nnr_periods 4\nnr_throttled 2\nthrottled_usec 1500\n'),
    { periods: 4, throttledPeriods: 2, throttledMs: 1.5 },
  );
  assert.equal(parseLimit(1, '-1', '100000'), undefined);
  assert.equal(parseLimit(1, '50000\n', '100000\n'), 0.5);
  assert.equal(parseLimit(2, 'max 100000\n'), undefined);
  assert.equal(parseLimit(2, '250000 100000\n'), 2.5);
  const paths = parseProcCgroup('4:memory:/x\n2:cpu,cpuacct:/kubepods/pod1\n0::/user.slice\n');
  assert.equal(paths.get('cpu'), '/kubepods/pod1');
  assert.equal(paths.get('v2'), '/user.slice');
  const mounts = parseMountinfo(
    '30 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct\n' +
      '31 25 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n' +
      '26 25 0:23 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n',
  );
  assert.deepEqual(
    mounts.map((m) => [m.point, m.version]),
    [
      ['/sys/fs/cgroup/cpu,cpuacct', 1],
      ['/sys/fs/cgroup/unified', 2],
    ],
  );
});
