#!/usr/bin/env node
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Children } from './children.js';
import { PHASES } from './phases.js';
import { Traffic } from './traffic.js';
import { LOADTESTS_ERRORS, printError } from '../errors.js';

const HELP = `Usage: npm start [-- options]     (or: node loadtests/dist/src/demo/cli.js [options])

loopscope demo: starts the collector with its live UI, a few instances of the
target service with the agent (exporting every second), and drives traffic
through phases: steady -> loop blocking -> pool saturation -> handle leak ->
recovery. Open the printed URL; Ctrl-C stops everything.

Options:
  --port N            collector port (default: 4318)
  --instances N       target instances, 2..5 (default: 3)
  --phase-seconds N   length of each phase, 2..600 (default: 30)
  --cycles N          cycles through the phases, 0 = until stopped (default: 0)
  -h, --help          show this help
`;

function fail(message: string): never {
  printError('loopscope demo', 'LOOPSCOPE_DEMO_USAGE', `${message}\nTry --help.`);
  process.exit(LOADTESTS_ERRORS.LOOPSCOPE_DEMO_USAGE.exit);
}

function intFlag(
  raw: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
) {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    fail(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function parse() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        instances: { type: 'string' },
        'phase-seconds': { type: 'string' },
        cycles: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  return {
    port: intFlag(values.port, 'port', 4318, 0, 65_535),
    instances: intFlag(values.instances, 'instances', 3, 2, 5),
    phaseMs: intFlag(values['phase-seconds'], 'phase-seconds', 30, 2, 600) * 1000,
    cycles: intFlag(values.cycles, 'cycles', 0, 0, 1000),
  };
}

const opts = parse();
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const collectorCli = join(
  dirname(require.resolve('@loopscope/collector/package.json')),
  'dist/src/cli.js',
);
const agentRegister = import.meta.resolve('@loopscope/agent/register');
const targetCli = join(here, '../target/cli.js');

const children = new Children();
const traffic = new Traffic();
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    traffic.stop();
    process.stdout.write('\nstopping the demo...\n');
    await children.stopAll();
  }
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void shutdown(0));
}

async function main(): Promise<void> {
  const collector = children.start(
    'collector',
    [collectorCli, '--port', String(opts.port), '--host', '127.0.0.1', '--log-level', 'warn'],
    {},
  );
  const url = `http://127.0.0.1:${opts.port}`;
  await waitForCollector(url, collector.process);

  const names = Array.from({ length: opts.instances }, (_, i) => `api-${i + 1}`);
  // The second instance is the bad one: not first by name, so the ranking visibly sorts.
  const worst = names[1] ?? 'api-2';
  const targets = await Promise.all(
    names.map(async (name) => {
      const started = children.start(
        name,
        ['--import', agentRegister, targetCli, '--port', '0'],
        {
          OTEL_SERVICE_NAME: 'demo-api',
          OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${name},deployment.environment.name=demo`,
          OTEL_EXPORTER_OTLP_ENDPOINT: url,
          OTEL_METRIC_EXPORT_INTERVAL: '1000',
        },
        /listening on (http:\/\/\S+)/,
      );
      const [, base] = await started.ready;
      return { name, url: base ?? '' };
    }),
  );

  process.stdout.write(
    `\nloopscope demo is running: open ${url}\n` +
      `${targets.length} instances of demo-api (${names.join(', ')}) export every second; ${worst} gets the heaviest load.\n` +
      `Phases of ${opts.phaseMs / 1000} s; Ctrl-C stops everything.\n\n`,
  );

  const started = Date.now();
  for (let cycle = 0; opts.cycles === 0 || cycle < opts.cycles; cycle++) {
    for (const phase of PHASES) {
      if (stopping) return;
      const at = new Date(Date.now() - started).toISOString().slice(14, 19);
      process.stdout.write(`[${at}] ${phase.name}: ${phase.says(worst)}\n`);
      await Promise.all(
        targets.flatMap((t) =>
          (phase.onEnter ?? []).map((path) => fetch(t.url + path).then((r) => r.body?.cancel())),
        ),
      );
      for (const t of targets) {
        for (const load of phase.load(t.name === worst)) traffic.start(t.url, load);
      }
      await sleep(opts.phaseMs);
      traffic.stop();
    }
  }
  process.stdout.write('demo finished.\n');
  await shutdown(0);
}

async function waitForCollector(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the collector did not become ready on ${url} (is the port in use? try --port)`);
}

main().catch((err: unknown) => {
  process.stderr.write(`loopscope demo: ${err instanceof Error ? err.message : String(err)}\n`);
  void shutdown(1);
});
