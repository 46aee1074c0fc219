import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
  loopDelayP99: number | null;
}

test('--help exits 0; bad flags exit 2 naming the flag', async () => {
  const help = await runNode([cli, '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--phase-seconds/);
  const bad = await runNode([cli, '--instances', '9']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--instances must be an integer from 2 to 5/);
});

test('the demo runs the phases, makes one instance the worst, and Ctrl-C leaves no process behind', async (t) => {
  const port = await freePort();
  const demo = startNode([cli, '--port', String(port), '--instances', '2', '--phase-seconds', '4']);
  t.after(() => demo.stop('SIGKILL'));

  const [, url] = await demo.waitForOutput(/open (http:\S+)/, 30_000);
  await demo.waitForOutput(/loop blocking: .*api-2 blocks 300 ms/, 30_000);

  // Late in the block phase the collector ranks the bad instance first, with a p99 over 100 ms.
  const ranked = await waitFor(
    async () => {
      const body = (await (await fetch(`${url}/api/v1/instances`)).json()) as {
        services: { job: string; instances: Instance[] }[];
      };
      const demoApi = body.services.find((s) => s.job === 'demo-api')?.instances ?? [];
      return demoApi.length === 2 && (demoApi[0]?.loopDelayP99 ?? 0) > 0.1 && demoApi;
    },
    { what: 'api-2 ranked first with loop delay p99 > 100 ms', timeoutMs: 15_000 },
  );
  assert.equal(ranked[0]?.instance, 'api-2');
  assert.ok(ranked.every((i) => i.state === 'live'));
  await demo.waitForOutput(/pool saturation:/, 15_000);

  // Collector and two targets, each a direct child of the demo.
  const pid = demo.process.pid ?? 0;
  const kids = childPids(pid);
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
