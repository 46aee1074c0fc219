/**
 * The words a boolean setting accepts, in the agent's environment variables
 * and options and in the collector's flags alike (one definition; the
 * collector imports it as `@loopscope/agent/boolean`). OTel's own variables
 * use `true`/`false`; `yes/no` and `on/off` are common in .env files and Helm
 * values. An empty value is false, as OTel reads an unset-but-empty variable.
 */
export const BOOLEAN_WORDS = {
  true: ['true', '1', 'yes', 'on'],
  false: ['false', '0', 'no', 'off', ''],
} as const;

/** true, false, or undefined when `raw` is none of BOOLEAN_WORDS (case-insensitive). */
export function booleanOf(raw: string): boolean | undefined {
  const v = raw.trim().toLowerCase();
  if ((BOOLEAN_WORDS.true as readonly string[]).includes(v)) return true;
  if ((BOOLEAN_WORDS.false as readonly string[]).includes(v)) return false;
  return undefined;
}
