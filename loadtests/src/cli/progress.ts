import type { ProgressFn } from '../k6/sink.js';

const mb = (n: number) => `${(n / 1e6).toFixed(n < 1e8 ? 1 : 0)} MB`;

/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal
 * (never in CI logs or pipes), at most ten times a second.
 */
export function progressBar(
  stream: NodeJS.WriteStream = process.stderr,
  width = 30,
): { update: ProgressFn; done(): void } {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  const started = Date.now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(read, total) {
      const now = Date.now();
      if (now - lastDraw < 100 && read < total) return;
      lastDraw = now;
      const share = total > 0 ? Math.min(1, read / total) : 0;
      const filled = Math.round(share * width);
      const rate = read / Math.max(0.001, (now - started) / 1000);
      stream.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${mb(read)}/${mb(total)} ${mb(rate)}/s `,
      );
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
