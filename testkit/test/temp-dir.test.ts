import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { runNode } from '../src/child.js';

const TEMP_DIR = new URL('../src/temp-dir.js', import.meta.url).href;

test('tempDir: the dirs a process made, files and all, are gone when it exits; twelve make no listener warning', async () => {
  const r = await runNode([
    '--input-type=module',
    '-e',
    `import { writeFileSync } from 'node:fs';
     import { tempDir } from ${JSON.stringify(TEMP_DIR)};
     const dirs = Array.from({ length: 12 }, () => tempDir('loopscope-testkit-'));
     for (const d of dirs) writeFileSync(d + '/f', 'x');
     console.log(JSON.stringify(dirs));`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /MaxListeners/);
  const dirs = JSON.parse(r.stdout) as string[];
  assert.equal(dirs.length, 12);
  for (const d of dirs) assert.ok(!existsSync(d), `${d} left behind`);
});
