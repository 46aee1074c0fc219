/**
 * Child processes of the benchmarks: Node scripts of this package, pinned
 * to a core with taskset when asked, talking back with one-line JSON
 * messages on stdout (`BENCH_READY {...}`, `BENCH_RESULT {...}`). Children
 * are started through the testkit, which kills them if the harness exits.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startProcess, type Child } from '@loopscope/testkit';

/** Absolute path of a compiled script of this package, e.g. `apps/idle`. */
export function script(name: string): string {
  return fileURLToPath(new URL(`./${name}.js`, import.meta.url));
}

/** The package folder: `--import @loopscope/agent/register` resolves from here. */
export const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

export interface NodeChildOptions {
  /** Node flags before the script (e.g. `--import`, `--expose-gc`). */
  readonly nodeArgs?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Pin to these CPUs (taskset -c), e.g. "0". */
  readonly cpus?: string;
  /** Another Node binary than this one (the accuracy benchmark runs every line). */
  readonly node?: string;
}

export function startScript(
  name: string,
  args: readonly string[],
  opts: NodeChildOptions = {},
): Child {
  const node = [...(opts.nodeArgs ?? []), script(name), ...args];
  const execPath = opts.node ?? process.execPath;
  const [command, argv] = opts.cpus
    ? ['taskset', ['-c', opts.cpus, execPath, ...node]]
    : [execPath, node];
  return startProcess(command, argv, { env: opts.env, cwd: PACKAGE_DIR });
}

/** After the child exits, how long its last output may still be on the way through the pipe. */
const OUTPUT_GRACE_MS = 200;

/**
 * Waits for the child's `tag {json}` line and parses it; fails as soon as
 * the child has exited without saying it (with its stderr), or at the timeout.
 */
export async function message<T>(child: Child, tag: string, timeoutMs = 60_000): Promise<T> {
  const pattern = new RegExp(`^${tag} (.*)$`, 'm');
  let exitedAt: number | undefined;
  let code: number | string | undefined;
  void child.exited().then((c) => {
    code = c;
    exitedAt = Date.now();
  });
  const deadline = Date.now() + timeoutMs;
  const name = child.process.spawnargs.join(' ').slice(0, 300);
  for (;;) {
    const match = child.stdout().match(pattern);
    if (match) return JSON.parse(match[1]!) as T;
    if (exitedAt !== undefined && Date.now() - exitedAt > OUTPUT_GRACE_MS) {
      throw new Error(`${name} exited (${code}) before ${tag}:\n${child.stderr().slice(-3000)}`);
    }
    if (Date.now() > deadline)
      throw new Error(`${name} did not print ${tag} within ${timeoutMs} ms`);
    await sleep(20);
  }
}
