/** Progress lines on stderr (stdout carries the report), with the time since start. */
const started = Date.now();

export function progress(tag: string, message: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[${s}s ${tag}] ${message}\n`);
}
