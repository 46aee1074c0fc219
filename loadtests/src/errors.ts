/**
 * Every way the loadtests commands stop, in one table: code and exit status.
 * Errors print as `<command>: <code>: <message>`, never a stack trace
 * (loopscope-analyze adds the stack with LOOPSCOPE_DEBUG=1). README "Exit
 * codes and errors" lists the same codes (a test checks).
 */

export const LOADTESTS_ERRORS = {
  /** loopscope-analyze: bad command-line usage. */
  LOOPSCOPE_ANALYZE_USAGE: { exit: 2 },
  /** loopscope-analyze: a results file cannot be read (file, line where there is one). */
  LOOPSCOPE_ANALYZE_INPUT: { exit: 2 },
  /** loopscope-analyze: Prometheus or the collector could not answer. */
  LOOPSCOPE_ANALYZE_SOURCE: { exit: 2 },
  /** loopscope-analyze: a bug; LOOPSCOPE_DEBUG=1 prints the stack for a report. */
  LOOPSCOPE_ANALYZE_INTERNAL: { exit: 2 },
  /** loopscope-analyze: a --baseline gate failed (the report says which). */
  LOOPSCOPE_ANALYZE_REGRESSION: { exit: 1 },
  /** loopscope-analyze: a k6 threshold failed (with --fail-on-thresholds). */
  LOOPSCOPE_ANALYZE_THRESHOLDS: { exit: 3 },
  /** loopscope-analyze: thresholds the input cannot carry, with --unevaluated-thresholds fail. */
  LOOPSCOPE_ANALYZE_UNEVALUATED_THRESHOLDS: { exit: 3 },
  /** loopscope-target: bad command-line usage. */
  LOOPSCOPE_TARGET_USAGE: { exit: 2 },
  /** loopscope-target: the port cannot be listened on. */
  LOOPSCOPE_TARGET_LISTEN: { exit: 2 },
  /** The demo (npm start): bad command-line usage. */
  LOOPSCOPE_DEMO_USAGE: { exit: 2 },
} as const satisfies Record<string, { exit: number }>;

export type LoadtestsErrorCode = keyof typeof LOADTESTS_ERRORS;

/** An error whose message is the whole story for the user; it carries its code. */
export class LoadtestsError extends Error {
  override readonly name: string = 'LoadtestsError';
  readonly code: LoadtestsErrorCode;
  readonly exitCode: number;
  constructor(code: LoadtestsErrorCode, message: string) {
    super(message);
    this.code = code;
    this.exitCode = LOADTESTS_ERRORS[code].exit;
  }
}

/** Bad command-line usage of loopscope-analyze. */
export class UsageError extends LoadtestsError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super('LOOPSCOPE_ANALYZE_USAGE', message);
  }
}

/** A bad input file, with file and line. */
export class InputError extends LoadtestsError {
  override readonly name = 'InputError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly problem: string,
  ) {
    super(
      'LOOPSCOPE_ANALYZE_INPUT',
      line === undefined ? `${file}: ${problem}` : `${file}:${line}: ${problem}`,
    );
  }
}

/** A server-side source (Prometheus, collector) that could not answer. */
export class SourceError extends LoadtestsError {
  override readonly name = 'SourceError';
  constructor(message: string) {
    super('LOOPSCOPE_ANALYZE_SOURCE', message);
  }
}

/** Errors whose message is the whole story for the user. */
export function isReportable(err: unknown): err is LoadtestsError {
  return err instanceof LoadtestsError;
}

/** `<command>: <code>: <message>` on stderr; the caller exits with `LOADTESTS_ERRORS[code].exit`. */
export function printError(command: string, code: LoadtestsErrorCode, message: string): void {
  process.stderr.write(`${command}: ${code}: ${message}\n`);
}
