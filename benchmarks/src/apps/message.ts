/**
 * How child scripts talk to the harness: one line `TAG {json}` on stdout.
 * Kept free of imports so a measured app loads nothing it would not load
 * in production.
 */
export const READY = 'BENCH_READY';
export const RESULT = 'BENCH_RESULT';
/** A load generator is past its warm-up: the measured run starts now. */
export const MEASURING = 'BENCH_MEASURING';

export function send(tag: string, value: unknown): void {
  process.stdout.write(`${tag} ${JSON.stringify(value)}\n`);
}
