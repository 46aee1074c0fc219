import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor } from './wait.js';

export interface Child {
  readonly process: ChildProcess;
  /** Everything the child wrote to stdout so far. */
  stdout(): string;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal name) once the child has exited. */
  exited(): Promise<number | string>;
  /** Sends `signal` (default SIGTERM), escalates to SIGKILL after `graceMs`, resolves on exit. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | string>;
}

const running = new Set<ChildProcess>();
// A failing test must not leave servers or agents behind.
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Inherit the parent's environment (default true). */
  inheritEnv?: boolean;
}

/** Starts any command; output is captured for assertions and error messages. */
export function startProcess(
  command: string,
  args: readonly string[],
  opts: StartOptions = {},
): Child {
  const env = opts.inheritEnv === false ? { ...opts.env } : { ...process.env, ...opts.env };
  const proc = spawn(command, args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  let out = '';
  let err = '';
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exit = new Promise<number | string>((resolve) => {
    proc.on('exit', (code, signal) => {
      running.delete(proc);
      resolve(code ?? signal ?? -1);
    });
    proc.on('error', (e) => {
      running.delete(proc);
      err += String(e);
      resolve(-1);
    });
  });
  const child: Child = {
    process: proc,
    stdout: () => out,
    stderr: () => err,
    waitForOutput: (pattern, timeoutMs = 20_000) =>
      waitFor(
        async () => {
          const m = (out + err).match(pattern);
          if (m) return m;
          if (proc.exitCode !== null || proc.signalCode !== null) {
            await exit;
            throw new Error(
              `process exited (${String(proc.exitCode ?? proc.signalCode)}); output:\n${out}${err}`,
            );
          }
          return undefined;
        },
        {
          what: `${pattern} in the output of ${command} ${args.join(' ')}`,
          timeoutMs,
          intervalMs: 20,
        },
      ),
    exited: () => exit,
    async stop(signal = 'SIGTERM', graceMs = 5_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return exit;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      try {
        return await exit;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return child;
}

/** Starts a script with the same Node binary that runs the tests, so the Node matrix tests what it claims. */
export function startNode(args: readonly string[], opts: StartOptions = {}): Child {
  return startProcess(process.execPath, args, opts);
}

/** Runs a Node script to completion; returns its exit code and output. */
export async function runNode(
  args: readonly string[],
  opts: StartOptions & { timeoutMs?: number } = {},
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const child = startNode(args, opts);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
  try {
    const code = await child.exited();
    return { code, stdout: child.stdout(), stderr: child.stderr() };
  } finally {
    clearTimeout(timer);
  }
}
