#!/usr/bin/env node
/** loopscope-collector: see --help. */
import { parseCli } from './cli/parse.js';
import { helpText } from './cli/options.js';
import { UsageError } from './cli/values.js';
import { redact } from '@loopscope/agent/redact';

try {
  const parsed = parseCli(process.argv.slice(2), process.env);
  if (parsed.help) {
    process.stdout.write(helpText());
  } else {
    // Loaded only to serve, so --help and bad settings answer at once.
    const { serve } = await import('./cli/serve.js');
    await serve(parsed.config);
  }
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(
    `loopscope-collector: ${redact(err.message)}\nRun loopscope-collector --help for the settings.\n`,
  );
  process.exit(2);
}
