#!/usr/bin/env node
/**
 * loopscope-analyze: k6 results + the server's event loop -> the bottleneck.
 * Every expected failure (usage, input, unreachable server) is one line on
 * stderr and exit code 2; LOOPSCOPE_DEBUG=1 adds stacks for bug reports.
 */
import { isReportable } from './errors.js';
import { EXIT, main } from './cli/main.js';

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  const debug = process.env.LOOPSCOPE_DEBUG === '1';
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(
    isReportable(err)
      ? `loopscope-analyze: ${message}\n`
      : `loopscope-analyze: internal error: ${message}\n`,
  );
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exitCode = EXIT.usage;
}
