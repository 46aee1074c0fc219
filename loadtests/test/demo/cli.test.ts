import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { METRICS } from '@loopscope/agent/names';
import { freePort, runNode, startNode, waitFor } from '@loopscope/testkit';

const cli = fileURLToPath(new URL('../../src/demo/cli.js', import.meta.url));

/** Pids whose parent is `pid` (Linux /proc). */
function childPids(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // Field 4 of /proc/N/stat is the parent pid; the name (field 2) may hold spaces, so split after ')'.
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

interface Instance {
  instance: string;
  state: string;
}

test('--help exits 0; bad flags exit 2 naming the flag', async () => {
  const help = await runNode([cli, '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--phase-seconds/);
  const bad = await runNode([cli, '--instances', '9']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--instances must be an integer from 2 to 5/);
});

test('the demo runs the phases, makes api-2 the worst in the block phase, and Ctrl-C leaves no process behind', async (t) => {
  const port = await freePort();
  const demo = startNode([cli, '--port', String(port), '--instances', '2', '--phase-seconds', '4']);
  let kids: number[] = [];
  t.after(async () => {
    await demo.stop('SIGKILL');
    for (const k of kids.filter(alive)) process.kill(k, 'SIGKILL');
  });

  const [, url] = await demo.waitForOutput(/open (http:\S+)/, 30_000);
  await demo.waitForOutput(/loop blocking: .*api-2 blocks 300 ms/, 30_000);
  const blockStart = Date.now();
  await demo.waitForOutput(/pool saturation:/, 15_000);
  const blockEnd = Date.now();

  // Over the block phase (its first second left out), api-2's per-export p99 is the worst and over 100 ms.
  const medianP99 = async (instance: string) => {
    const qs = new URLSearchParams({
      job: 'demo-api',
      instance,
      metric: METRICS.eventloopDelay.name,
      from: String(blockStart + 1000),
      to: String(blockEnd),
    });
    const body = (await (await fetch(`${url}/api/v1/series?${qs.toString()}`)).json()) as {
      series: { name: string; values: (number | null)[] }[];
    };
    const p99 = (body.series.find((c) => c.name === 'p99')?.values ?? []).filter(
      (v): v is number => v !== null,
    );
    assert.ok(p99.length >= 2, `${instance} exported during the block phase`);
    return p99.sort((a, b) => a - b)[Math.floor(p99.length / 2)] ?? 0;
  };
  const [worst, other] = [await medianP99('api-2'), await medianP99('api-1')];
  assert.ok(worst > 0.1, `api-2 median p99 ${worst} s`);
  assert.ok(worst > other, `api-2 ${worst} s vs api-1 ${other} s`);
  const listed = (await (await fetch(`${url}/api/v1/instances`)).json()) as {
    services: { job: string; instances: Instance[] }[];
  };
  const demoApi = listed.services.find((s) => s.job === 'demo-api')?.instances ?? [];
  assert.deepEqual(demoApi.map((i) => i.state).sort(), ['live', 'live']);

  // Collector and two targets, each a direct child of the demo.
  kids = childPids(demo.process.pid ?? 0);
  assert.equal(kids.length, 3, `children of the demo: ${kids.join(', ')}`);

  // Only the demo gets the signal here (a terminal would signal the whole group): it must end its children.
  demo.process.kill('SIGINT');
  assert.equal(await demo.exited(), 0);
  await waitFor(() => kids.every((k) => !alive(k)), {
    what: `children ${kids.join(', ')} to exit`,
    timeoutMs: 10_000,
  });
  assert.match(demo.stdout(), /stopping the demo/);
});

test('children stop by themselves when the demo is killed outright', async (t) => {
  const port = await freePort();
  const demo = startNode([cli, '--port', String(port), '--instances', '2', '--phase-seconds', '2']);
  let kids: number[] = [];
  t.after(async () => {
    await demo.stop('SIGKILL');
    for (const k of kids.filter(alive)) process.kill(k, 'SIGKILL');
  });
  await demo.waitForOutput(/\] steady:/, 30_000);
  kids = childPids(demo.process.pid ?? 0);
  assert.equal(kids.length, 3, `children of the demo: ${kids.join(', ')}`);

  // SIGKILL: no handler runs in the demo; each child must notice on its own.
  demo.process.kill('SIGKILL');
  await demo.exited();
  await waitFor(() => kids.every((k) => !alive(k)), {
    what: `children ${kids.join(', ')} to exit after the demo was killed`,
    timeoutMs: 10_000,
  });
});
