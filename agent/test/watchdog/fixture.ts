/** Runs the watchdog fixture app in a child process and reads what it reports. */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runNode } from '@loopscope/testkit';

export const FIXTURE_JS = fileURLToPath(new URL('../fixtures/watchdog/app.js', import.meta.url));
export const FIXTURE_TS = fileURLToPath(
  new URL('../../../test/fixtures/watchdog/app.ts', import.meta.url),
);

/** 1-based line of burnCpu's loop (`< burnUntil`) in the compiled or the TypeScript fixture. */
export function burnLine(file: string): number {
  const index = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes('< burnUntil)'));
  if (index < 0) throw new Error(`no burnCpu loop in ${file}`);
  return index + 1;
}

export const fileUrl = (path: string): string => pathToFileURL(path).href;

export interface Frame {
  function: string;
  file: string;
  line: number;
  column: number;
}

export interface FixtureEvent {
  eventName: string;
  body: string;
  attributes: Record<string, unknown>;
}

export interface FixtureResult {
  events: FixtureEvent[];
  stats: {
    stalls: number;
    captures: number;
    rateLimited: number;
    pauseMs: { last: number; max: number; total: number };
    delayMs: { last: number; max: number; total: number };
  };
  blocks: number | undefined;
  durations: { count: number; sum: number } | undefined;
  debuggerStatementsMs?: number;
}

export interface Run {
  code: number | string;
  stdout: string;
  stderr: string;
  result: FixtureResult | undefined;
}

export async function runFixture(
  scenario: string,
  {
    count = 3,
    blockMs = 300,
    nodeArgs = [],
    env = {},
  }: { count?: number; blockMs?: number; nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  const out = await runNode([...nodeArgs, FIXTURE_JS, scenario, String(count), String(blockMs)], {
    env,
    timeoutMs: 30_000,
  });
  const line = out.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  return { ...out, result: line ? (JSON.parse(line.slice(7)) as FixtureResult) : undefined };
}

/** The result, or a failure that shows what the child printed. */
export function resultOf(run: Run): FixtureResult {
  if (!run.result || run.code !== 0) {
    throw new Error(`fixture failed (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return run.result;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? NaN;
}
