/**
 * Every way loopscope-bench stops short, in one table: code and exit status.
 * Printed as `loopscope-bench: <code>: <message>`. README "Errors" lists the
 * same codes (a test checks). A missed goal is not an error: it is a MISSED
 * line in the report.
 */

export const BENCH_ERRORS = {
  /** An unknown option, or a bad --rounds or --lines. */
  LOOPSCOPE_BENCH_USAGE: { exit: 2 },
  /** A benchmark name that is not in the registry. */
  LOOPSCOPE_BENCH_UNKNOWN_BENCHMARK: { exit: 2 },
  /** A benchmark could not run to the end (a child died, a port was refused); its stack follows. */
  LOOPSCOPE_BENCH_FAILED: { exit: 1 },
} as const satisfies Record<string, { exit: number }>;

export type BenchErrorCode = keyof typeof BENCH_ERRORS;

/** Prints `loopscope-bench: <code>: <message>` (and `hint` on its own line), then exits with the code's status. */
export function exitWith(code: BenchErrorCode, message: string, hint?: string): never {
  process.stderr.write(`loopscope-bench: ${code}: ${message}\n${hint ? `${hint}\n` : ''}`);
  process.exit(BENCH_ERRORS[code].exit);
}
