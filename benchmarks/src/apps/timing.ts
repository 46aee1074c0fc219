/**
 * Times a function repeatedly with performance.now(), spaced by a short
 * sleep so each call meets caches about as cold as a once-a-second
 * collection would (back-to-back calls would flatter everyone).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export async function timeCalls(
  fn: () => unknown,
  iterations: number,
  spacingMs: number,
): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await fn();
    ms.push(performance.now() - start);
    await sleep(spacingMs);
  }
  return ms;
}
