import { createRequire } from 'node:module';

/** This package's version, reported as the instrumentation scope version. */
export const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string })
  .version;
