/** The servers benchmark 3 compares, and the ratios it reports. */
export interface LoadArm {
  readonly id: string;
  readonly agent: boolean;
  readonly env?: Readonly<Record<string, string>>;
}

export const LOAD_ARMS: readonly LoadArm[] = [
  { id: 'none', agent: false },
  { id: 'none-aa', agent: false },
  // As shipped: every default, the watchdog included.
  { id: 'agent', agent: true },
  { id: 'agent-nowatchdog', agent: true, env: { LOOPSCOPE_BLOCK_THRESHOLD_MS: '0' } },
  // Request context (which request a stall hit) forced on and off: its default per Node line
  // follows from this pair (agent README, "Which request").
  { id: 'agent-reqctx-on', agent: true, env: { LOOPSCOPE_BLOCK_REQUEST_CONTEXT: 'true' } },
  { id: 'agent-reqctx-off', agent: true, env: { LOOPSCOPE_BLOCK_REQUEST_CONTEXT: 'false' } },
];

export interface Comparison {
  readonly label: string;
  /** Numerator arm (B). */
  readonly b: string;
  /** Denominator arm (A). */
  readonly a: string;
}

export const COMPARISONS: readonly Comparison[] = [
  { label: 'A/A: none-aa / none', b: 'none-aa', a: 'none' },
  { label: 'agent (defaults) / none', b: 'agent', a: 'none' },
  { label: 'agent, watchdog off / none', b: 'agent-nowatchdog', a: 'none' },
  { label: 'watchdog on / off (agent / agent-nowatchdog)', b: 'agent', a: 'agent-nowatchdog' },
  {
    label: 'request context on / off (agent-reqctx-on / agent-reqctx-off)',
    b: 'agent-reqctx-on',
    a: 'agent-reqctx-off',
  },
];
