/**
 * The blocked-loop watchdog's view of the options table (`../options.ts`):
 * its settings under the names the watchdog uses.
 */
import { pickSettings, SETTINGS, type BlockOptions } from '../options.js';

export type { BlockOptions } from '../options.js';
export { REQUEST_CONTEXT_DEFAULT } from '../options.js';

export interface ResolvedBlockOptions {
  readonly thresholdMs: number;
  readonly maxCapturesPerMinute: number;
  readonly requestContext: boolean;
}

export const BLOCK_DEFAULTS: ResolvedBlockOptions = Object.freeze({
  thresholdMs: SETTINGS.blockThresholdMs.default,
  maxCapturesPerMinute: SETTINGS.blockMaxCapturesPerMinute.default,
  requestContext: SETTINGS.blockRequestContext.default,
});

type Env = Readonly<Record<string, string | undefined>>;

export function resolveBlockOptions(
  code: BlockOptions = {},
  env: Env = process.env,
): ResolvedBlockOptions {
  const v = pickSettings(
    ['blockThresholdMs', 'blockMaxCapturesPerMinute', 'blockRequestContext'],
    code,
    env,
  );
  return {
    thresholdMs: v.blockThresholdMs,
    maxCapturesPerMinute: v.blockMaxCapturesPerMinute,
    requestContext: v.blockRequestContext,
  };
}
