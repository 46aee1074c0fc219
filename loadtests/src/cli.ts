#!/usr/bin/env node
/**
 * loopscope-analyze: k6 results + the server's event loop -> the bottleneck.
 * Every expected failure (usage, input, unreachable server) is one line on
 * stderr and exit code 2; LOOPSCOPE_DEBUG=1 adds stacks for bug reports.
 */
import { LOADTESTS_ERRORS, isReportable, printError } from './errors.js';
import { main } from './cli/main.js';

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  const debug = process.env.LOOPSCOPE_DEBUG === '1';
  const message = err instanceof Error ? err.message : String(err);
  const code = isReportable(err) ? err.code : 'LOOPSCOPE_ANALYZE_INTERNAL';
  printError('loopscope-analyze', code, isReportable(err) ? message : `internal error: ${message}`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exitCode = LOADTESTS_ERRORS[code].exit;
}
