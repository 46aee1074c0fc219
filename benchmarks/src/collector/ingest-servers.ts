/**
 * The two ingest servers benchmark 5 compares, each started pinned to the
 * server core on a free loopback port: the loopscope collector's CLI (its
 * self-monitoring agent off, so only ingest is measured) and the Debian
 * package of Prometheus Pushgateway (in memory, no persistence file).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort, startProcess, waitFor, type Child } from '@loopscope/testkit';

export const PUSHGATEWAY = '/usr/bin/prometheus-pushgateway';

export interface Target {
  readonly name: 'collector' | 'pushgateway';
  readonly label: string;
  /** A line prefix appearing once per sender in /metrics. */
  readonly perSenderMarker: string;
}

export const TARGETS: readonly Target[] = [
  {
    name: 'collector',
    label: 'loopscope collector',
    perSenderMarker: 'loopscope_sender_last_seen_timestamp_seconds{',
  },
  { name: 'pushgateway', label: 'Prometheus Pushgateway', perSenderMarker: 'push_time_seconds{' },
];

export interface Running {
  readonly url: string;
  readonly pid: number;
  readonly child: Child;
}

export function collectorCli(): string {
  const pkg = createRequire(import.meta.url).resolve('@loopscope/collector/package.json');
  return join(dirname(pkg), 'dist/src/cli.js');
}

function pinned(cpus: string | undefined, command: string, args: string[]): Child {
  return cpus
    ? startProcess('taskset', ['-c', cpus, command, ...args])
    : startProcess(command, args);
}

export async function startTarget(
  target: Target,
  cpus: string | undefined,
  /** Extra collector flags (e.g. --remote-write-url). */
  extraArgs: readonly string[] = [],
): Promise<Running> {
  const port = await freePort();
  const child =
    target.name === 'collector'
      ? pinned(cpus, process.execPath, [
          collectorCli(),
          '--port',
          String(port),
          '--no-self-monitor',
          '--log-level',
          'warn',
          ...extraArgs,
        ])
      : pinned(cpus, PUSHGATEWAY, [
          `--web.listen-address=127.0.0.1:${port}`,
          '--persistence.file=',
          '--log.level=warn',
        ]);
  const url = `http://127.0.0.1:${port}`;
  const ready = target.name === 'collector' ? '/readyz' : '/-/ready';
  await waitFor(async () => (await fetch(url + ready)).ok, {
    what: `${target.label} ready at ${url}`,
    timeoutMs: 30_000,
  }).catch((err: Error) => {
    throw new Error(`${err.message}\n${child.stdout()}${child.stderr()}`);
  });
  return { url, pid: child.process.pid!, child };
}

/** Resident set size of a process, bytes. */
export function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  if (!line) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(line.replace(/\D+/g, '')) * 1024;
}
