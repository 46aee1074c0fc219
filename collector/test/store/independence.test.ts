// Issue 13 item 4: the store depends on no output format. Its naming rules
// are given to it (StoreNaming) and the exposition's caches live in
// src/prometheus/, so no file of src/store/ may import from there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

const STORE = new URL('../../../src/store/', import.meta.url);

test('no file of src/store/ imports from src/prometheus/', () => {
  const files = readdirSync(STORE).filter((f) => f.endsWith('.ts'));
  assert.ok(files.includes('store.ts') && files.includes('naming.ts'), files.join(', '));
  for (const f of files) {
    const imports = readFileSync(new URL(f, STORE), 'utf8')
      .split('\n')
      .filter(
        (l) => /^\s*(import|export)\b.*\bfrom\s+['"]/.test(l) || /^\s*}\s*from\s+['"]/.test(l),
      );
    for (const line of imports) assert.doesNotMatch(line, /prometheus\//, `${f}: ${line}`);
  }
});
