/**
 * The blocked-loop watchdog's view of the options table (`../options.ts`):
 * its two settings under the names the watchdog uses.
 */
import { pickSettings, SETTINGS, type BlockOptions } from '../options.js';

export type { BlockOptions } from '../options.js';

export interface ResolvedBlockOptions {
  readonly thresholdMs: number;
  readonly maxCapturesPerMinute: number;
}

export const BLOCK_DEFAULTS: ResolvedBlockOptions = Object.freeze({
  thresholdMs: SETTINGS.blockThresholdMs.default,
  maxCapturesPerMinute: SETTINGS.blockMaxCapturesPerMinute.default,
});

type Env = Readonly<Record<string, string | undefined>>;

export function resolveBlockOptions(
  code: BlockOptions = {},
  env: Env = process.env,
): ResolvedBlockOptions {
  const v = pickSettings(['blockThresholdMs', 'blockMaxCapturesPerMinute'], code, env);
  return { thresholdMs: v.blockThresholdMs, maxCapturesPerMinute: v.blockMaxCapturesPerMinute };
}
