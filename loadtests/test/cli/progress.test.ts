import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { progressBar } from '../../src/cli/progress.js';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough();
  let text = '';
  s.on('data', (d: Buffer) => (text += d.toString()));
  return { stream: Object.assign(s, { isTTY }) as unknown as NodeJS.WriteStream, text: () => text };
}

test('the progress bar draws on a terminal and clears its line when done', async () => {
  const { stream, text } = fakeStream(true);
  const bar = progressBar(stream, 10);
  bar.update(50e6, 100e6);
  bar.update(100e6, 100e6);
  bar.done();
  await new Promise((r) => setImmediate(r));
  assert.match(text(), /\r\[#####\.\.\.\.\.\] {2}50% 50\.0 MB\/100 MB/);
  assert.match(text(), /\r\[##########\] 100%/);
  assert.ok(text().endsWith('\r\x1b[2K'));
});

test('nothing is written when stderr is not a terminal (CI logs, pipes)', async () => {
  const { stream, text } = fakeStream(false);
  const bar = progressBar(stream);
  bar.update(1, 2);
  bar.done();
  await new Promise((r) => setImmediate(r));
  assert.equal(text(), '');
});
