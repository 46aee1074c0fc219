import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ring } from '../../src/history/ring.js';

test('a full ring overwrites its oldest entries', () => {
  const ring = new Ring<number>(3);
  for (let i = 1; i <= 5; i++) ring.push(i);
  assert.deepEqual([...ring], [3, 4, 5]);
  assert.equal(ring.size, 3);
  assert.equal(ring.last(), 5);
});

test('dropWhile removes from the oldest end only', () => {
  const ring = new Ring<number>(4);
  for (const v of [1, 2, 9, 3]) ring.push(v);
  ring.dropWhile((v) => v < 5);
  assert.deepEqual([...ring], [9, 3]);
  ring.dropWhile(() => true);
  assert.equal(ring.size, 0);
  assert.equal(ring.last(), undefined);
  ring.push(7);
  assert.deepEqual([...ring], [7]);
});

test('capacity must be a positive integer', () => {
  assert.throws(() => new Ring(0), /positive integer/);
  assert.throws(() => new Ring(1.5), /positive integer/);
});
