/**
 * Every way loopscope-dashboards stops short, in one table: code and exit
 * status. The CLI prints `loopscope-dashboards: <code>: <message>` (never a
 * stack trace). README "Errors" lists the same codes (a test checks).
 */

export const DASHBOARDS_ERRORS = {
  /** An unknown flag or a flag without its value. */
  LOOPSCOPE_DASHBOARDS_USAGE: { exit: 2 },
  /** A threshold or duration the generator cannot use; the message names the flag. */
  LOOPSCOPE_DASHBOARDS_BAD_OPTION: { exit: 2 },
  /** `--check`: committed files differ from a fresh generation. */
  LOOPSCOPE_DASHBOARDS_STALE: { exit: 1 },
  /** Anything else, e.g. the output directory cannot be written. */
  LOOPSCOPE_DASHBOARDS_FAILED: { exit: 1 },
} as const satisfies Record<string, { exit: number }>;

export type DashboardsErrorCode = keyof typeof DASHBOARDS_ERRORS;

export class DashboardsError extends Error {
  override readonly name: string = 'DashboardsError';
  readonly code: DashboardsErrorCode;
  readonly exitCode: number;
  constructor(code: DashboardsErrorCode, message: string) {
    super(message);
    this.code = code;
    this.exitCode = DASHBOARDS_ERRORS[code].exit;
  }
}

/** A bad option value or an unknown option; the message names the flag. */
export class OptionError extends DashboardsError {
  override readonly name = 'OptionError';
  constructor(message: string) {
    super('LOOPSCOPE_DASHBOARDS_BAD_OPTION', message);
  }
}

/** The CLI's line for `err`: its code (FAILED for anything not ours) and message. */
export function errorLine(err: unknown): { line: string; exitCode: number } {
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof DashboardsError ? err.code : 'LOOPSCOPE_DASHBOARDS_FAILED';
  return {
    line: `loopscope-dashboards: ${code}: ${message}\n`,
    exitCode: DASHBOARDS_ERRORS[code].exit,
  };
}
