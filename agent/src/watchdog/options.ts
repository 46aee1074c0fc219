/**
 * Options of the blocked-loop watchdog: defaults, the environment variables
 * they come from, and their normalizer. Code options win over environment
 * variables; a bad value throws a ConfigError naming the variable or option.
 */
import { ConfigError, parseBoolean, parseMs } from '../parse.js';

export interface BlockOptions {
  /** A stall at least this long is counted and its stack captured; 0 turns the watchdog off (`LOOPSCOPE_BLOCK_THRESHOLD_MS`, default 100). */
  blockThresholdMs?: number;
  /** Stack captures allowed per minute; 0 measures stalls without taking stacks (`LOOPSCOPE_BLOCK_MAX_CAPTURES_PER_MIN`, default 10). */
  blockMaxCapturesPerMinute?: number;
  /** Record which HTTP request each stall hit through AsyncLocalStorage (`LOOPSCOPE_BLOCK_REQUEST_CONTEXT`; default true on Node 24+, false before). */
  blockRequestContext?: boolean;
}

export interface ResolvedBlockOptions {
  readonly thresholdMs: number;
  readonly maxCapturesPerMinute: number;
  readonly requestContext: boolean;
}

/**
 * Request context is on by default where AsyncLocalStorage rides
 * AsyncContextFrame (Node 24+) and its cost was measured negligible; before,
 * it installs async_hooks (agent/README.md, "Which request").
 */
export const REQUEST_CONTEXT_DEFAULT = Number(process.versions.node.split('.')[0]) >= 24;

export const BLOCK_DEFAULTS: ResolvedBlockOptions = {
  thresholdMs: 100,
  maxCapturesPerMinute: 10,
  requestContext: REQUEST_CONTEXT_DEFAULT,
};

const MIN_THRESHOLD_MS = 10;

export const BLOCK_ENV = {
  blockThresholdMs: 'LOOPSCOPE_BLOCK_THRESHOLD_MS',
  blockMaxCapturesPerMinute: 'LOOPSCOPE_BLOCK_MAX_CAPTURES_PER_MIN',
  blockRequestContext: 'LOOPSCOPE_BLOCK_REQUEST_CONTEXT',
} as const satisfies Record<keyof BlockOptions, string>;

type Env = Readonly<Record<string, string | undefined>>;

function pick(
  key: keyof BlockOptions,
  code: BlockOptions,
  env: Env,
): [unknown, string] | undefined {
  if (code[key] !== undefined) return [code[key], `option ${key}`];
  const raw = env[BLOCK_ENV[key]];
  return raw !== undefined && raw.trim() !== '' ? [raw, BLOCK_ENV[key]] : undefined;
}

function parseCount(raw: unknown, source: string, max: number): number {
  const value = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    const shown = typeof raw === 'string' ? `"${raw}"` : String(raw);
    throw new ConfigError(
      source,
      `invalid ${source}=${shown}: expected a whole number from 0 to ${max}`,
    );
  }
  return value;
}

/** 0 (off) or at least 10 ms: the heartbeat runs at up to the threshold, and each one wakes the loop. */
function parseThreshold(raw: unknown, source: string): number {
  const value = parseMs(raw, source, 0, 600_000);
  if (value > 0 && value < MIN_THRESHOLD_MS) {
    throw new ConfigError(
      source,
      `invalid ${source}=${String(raw)}: expected 0 (off) or ${MIN_THRESHOLD_MS} to 600000 milliseconds`,
    );
  }
  return value;
}

export function resolveBlockOptions(
  code: BlockOptions = {},
  env: Env = process.env,
): ResolvedBlockOptions {
  const threshold = pick('blockThresholdMs', code, env);
  const captures = pick('blockMaxCapturesPerMinute', code, env);
  const context = pick('blockRequestContext', code, env);
  return {
    thresholdMs: threshold
      ? parseThreshold(threshold[0], threshold[1])
      : BLOCK_DEFAULTS.thresholdMs,
    maxCapturesPerMinute: captures
      ? parseCount(captures[0], captures[1], 600)
      : BLOCK_DEFAULTS.maxCapturesPerMinute,
    requestContext: context ? parseBoolean(context[0], context[1]) : BLOCK_DEFAULTS.requestContext,
  };
}
