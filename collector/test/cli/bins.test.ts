/**
 * Every workspace command (`bin` in a package.json) is a small committed file
 * that imports the built code, so npm links it at install time, before dist/
 * exists (a bin pointing into dist/ is not linked in a fresh clone).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode } from '@loopscope/testkit';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const readJson = (path: string) =>
  JSON.parse(readFileSync(path, 'utf8')) as { workspaces?: string[]; bin?: Record<string, string> };

const bins = (readJson(join(ROOT, 'package.json')).workspaces ?? []).flatMap((ws) =>
  Object.entries(readJson(join(ROOT, ws, 'package.json')).bin ?? {}).map(([name, file]) => ({
    name,
    file: resolve(ROOT, ws, file),
  })),
);

test('the workspaces declare their commands', () => {
  assert.deepEqual(bins.map((b) => b.name).sort(), [
    'loopscope-analyze',
    'loopscope-bench',
    'loopscope-collector',
    'loopscope-dashboards',
  ]);
});

for (const { name, file } of bins) {
  test(`${name}: a committed, executable bin/ file that npm links and that answers --help`, async () => {
    assert.doesNotMatch(file, /\/dist\//, 'outside dist/, which a fresh clone lacks');
    assert.match(readFileSync(file, 'utf8'), /^#!\/usr\/bin\/env node\n/);
    accessSync(file, constants.X_OK);
    assert.equal(realpathSync(join(ROOT, 'node_modules', '.bin', name)), realpathSync(file));
    const r = await runNode([join(ROOT, 'node_modules', '.bin', name), '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Usage: ${name}`));
  });
}
