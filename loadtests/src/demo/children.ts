import { spawn, type ChildProcess } from 'node:child_process';

const PARENT_GUARD = new URL('./parent-guard.js', import.meta.url).href;

export interface Started {
  readonly process: ChildProcess;
  /** Resolves with the first match of the ready pattern in the child's stdout. */
  readonly ready: Promise<RegExpMatchArray>;
}

/**
 * Starts and stops the demo's child processes. Every child is tracked until
 * it exits; stopAll() ends them (SIGTERM, then SIGKILL after a grace period)
 * and the exit hook kills any left. If the demo itself is killed, each child
 * sees its stdin close and stops (parent-guard.ts): no orphans either way.
 */
export class Children {
  private readonly running = new Set<ChildProcess>();

  constructor() {
    process.on('exit', () => {
      for (const child of this.running) child.kill('SIGKILL');
    });
  }

  /** Starts `node args`; stderr lines are shown with the child's name so failures are visible. */
  start(
    name: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
    readyPattern = /$^/,
  ): Started {
    const child = spawn(process.execPath, ['--import', PARENT_GUARD, ...args], {
      env: { ...process.env, ...env },
      // stdin stays open for the child's lifetime: its closing tells the child the demo is gone.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.running.add(child);
    child.on('exit', () => this.running.delete(child));
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.split('\n').filter(Boolean))
        process.stderr.write(`[${name}] ${line}\n`);
    });
    let out = '';
    const ready = new Promise<RegExpMatchArray>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (text: string) => {
        out += text;
        const m = out.match(readyPattern);
        if (m) resolve(m);
      });
      child.on('exit', (code, signal) =>
        reject(new Error(`${name} exited (${code ?? signal}) before it was ready`)),
      );
      child.on('error', reject);
    });
    // Rejections after readiness (a normal exit) are not errors.
    ready.catch(() => undefined);
    return { process: child, ready };
  }

  get count(): number {
    return this.running.size;
  }

  async stopAll(graceMs = 5_000): Promise<void> {
    const exits = [...this.running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), graceMs).unref();
        }),
    );
    await Promise.all(exits);
  }
}
