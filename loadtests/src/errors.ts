/**
 * Errors the CLI reports as a plain message and exit code 2, never a stack
 * trace: bad command-line usage and bad input files (with file and line).
 */

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly problem: string,
  ) {
    super(line === undefined ? `${file}: ${problem}` : `${file}:${line}: ${problem}`);
  }
}

/** A server-side source (Prometheus, collector) that could not answer. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
}

/** Errors whose message is the whole story for the user. */
export function isReportable(err: unknown): err is Error {
  return err instanceof UsageError || err instanceof InputError || err instanceof SourceError;
}
