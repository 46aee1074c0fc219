/**
 * Every problem the agent reports, in one table: code, log level and what
 * happens next. The agent never throws into the host application, so a code
 * reaches the user as one stderr line,
 * `[loopscope] <level>: <what happened> (<code>); <what happens next>`.
 * README "Messages" lists the same codes (a test checks).
 */
import { describeError, log } from './log.js';

export const AGENT_ERRORS = {
  LOOPSCOPE_AGENT_INVALID_SETTING: {
    level: 'error',
    then: 'what read it does not run (the agent, its metrics or its watchdog); the application continues',
  },
  LOOPSCOPE_AGENT_START_FAILED: {
    level: 'error',
    then: 'the agent is not running (the application continues without it)',
  },
  LOOPSCOPE_AGENT_UNKNOWN_SETTING: { level: 'warn', then: '' },
  LOOPSCOPE_AGENT_ALREADY_RUNNING: { level: 'warn', then: 'returning the running agent' },
  LOOPSCOPE_AGENT_METRICS_NOT_REGISTERED: {
    level: 'error',
    then: 'loopscope metrics are not registered',
  },
  LOOPSCOPE_AGENT_SAMPLER_FAILED: {
    level: 'warn',
    then: 'that sampler is off, or that step skipped; the others run (said once per sampler and step)',
  },
  LOOPSCOPE_AGENT_WATCHDOG_OFF: { level: 'error', then: 'the blocked-loop watchdog is off' },
  LOOPSCOPE_AGENT_WATCHDOG_ALREADY_RUNNING: {
    level: 'warn',
    then: 'the running watchdog goes on alone',
  },
  LOOPSCOPE_AGENT_NO_STACKS: { level: 'warn', then: 'stalls are still measured' },
  LOOPSCOPE_AGENT_STOP_FAILED: { level: 'warn', then: 'the other components still stop' },
  LOOPSCOPE_AGENT_FLUSH_TIMEOUT: { level: 'warn', then: 'shutdown goes on without it' },
  LOOPSCOPE_AGENT_SIGNAL_FAILED: {
    level: 'error',
    then: 'the process goes on as if the signal had not been re-raised',
  },
} as const satisfies Record<string, { level: 'warn' | 'error'; then: string }>;

export type AgentErrorCode = keyof typeof AGENT_ERRORS;

/** A problem the agent throws to its own caller (never to the host): it carries its code. */
export class AgentError extends Error {
  readonly code: AgentErrorCode;
  constructor(code: AgentErrorCode, message: string) {
    super(message);
    this.name = 'AgentError';
    this.code = code;
  }
}

/**
 * Writes `detail (code); then` at the code's level; with `once`, only the
 * first time that key is reported in this process.
 */
export function report(code: AgentErrorCode, detail: string, once?: string): void {
  const { level, then } = AGENT_ERRORS[code];
  const line = `${detail} (${code})${then ? `; ${then}` : ''}`;
  if (once === undefined) log[level](line);
  else log.once(once, level, line);
}

/**
 * Reports a caught error under `code`: an AgentError (a bad setting) shows
 * its own code, since that is the one to look up, and `code` says what
 * happens next.
 */
export function reportFailure(code: AgentErrorCode, err: unknown, prefix = ''): void {
  const { level, then } = AGENT_ERRORS[code];
  const shown = err instanceof AgentError ? err.code : code;
  const message = err instanceof AgentError ? err.message : describeError(err);
  log[level](`${prefix}${message} (${shown}); ${then}`);
}
