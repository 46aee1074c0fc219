import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
const removeMade = () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
};

/**
 * A fresh directory under the OS temp dir, removed when the test file's process exits, so a
 * CI machine does not gather one per run (they held k6 and analyze outputs, ~25 MB a run).
 * One exit listener for all of them: a file that makes many stays under the listener limit.
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (made.length === 0) process.once('exit', removeMade);
  made.push(dir);
  return dir;
}
