import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOOLEAN_WORDS, booleanOf } from '../src/boolean.js';
import { parseBoolean } from '../src/setting-parsers.js';

test('one set of boolean words, case-insensitive, for the agent and the collector', () => {
  for (const w of BOOLEAN_WORDS.true) assert.equal(booleanOf(` ${w.toUpperCase()} `), true, w);
  for (const w of BOOLEAN_WORDS.false) assert.equal(booleanOf(w), false, w);
  assert.equal(booleanOf('maybe'), undefined);
  assert.equal(parseBoolean('On', 'X'), true);
  assert.equal(parseBoolean(false, 'X'), false);
  assert.throws(() => parseBoolean('maybe', 'LOOPSCOPE_X'), /invalid LOOPSCOPE_X="maybe"/);
});
