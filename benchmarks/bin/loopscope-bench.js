#!/usr/bin/env node
// Committed so that npm links `loopscope-bench` at install time, before dist/ exists
// (as TypeScript's own bin/tsc does); the command itself is the built dist/src/cli.js.
import('../dist/src/cli.js').catch((err) => {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/cli.js')) {
    console.error('loopscope-bench: not built yet. Run `npm run build` at the repository root.');
    process.exit(1);
  }
  throw err;
});
