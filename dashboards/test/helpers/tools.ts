/** Runs the Prometheus/Alertmanager command-line tools the Debian packages install. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Resolves with stdout+stderr; rejects with the tool's output in the message. */
export async function tool(command: 'promtool' | 'amtool', ...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args, { timeout: 60_000 });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`,
    );
  }
}
