/**
 * Frames of the agent's own work: its compiled source and the OpenTelemetry
 * packages it exports through, as resolved from the agent. A busy-loop sample
 * with such a frame is the agent exporting or loading its exporter on the
 * app's loop (seen beside a CPU hog: `readableFromUint8Array` in
 * otlp-exporter-base, `require` in otlp-transformer), never the app's work.
 * An app that exports through the same copies of these packages has that
 * work left out of busy-loop samples too (agent README, "Busy loops").
 */
import { createRequire } from 'node:module';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Frame } from './capture.js';

const EXPORT_PACKAGES = [
  '@opentelemetry/exporter-logs-otlp-http',
  '@opentelemetry/exporter-logs-otlp-proto',
  '@opentelemetry/otlp-exporter-base',
  '@opentelemetry/otlp-transformer',
  '@opentelemetry/sdk-logs',
  '@opentelemetry/sdk-metrics',
];

/** The folder of package `name` that `file` lies in, with a trailing separator. */
function packageRoot(file: string, name: string): string | undefined {
  const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  const at = file.lastIndexOf(marker);
  return at < 0 ? undefined : file.slice(0, at + marker.length);
}

/** Folders of the agent's own code: its `src/` (not its tests) and its export packages. */
export function ownRoots(): string[] {
  const roots = [fileURLToPath(new URL('../', import.meta.url))];
  const require = createRequire(import.meta.url);
  for (const name of EXPORT_PACKAGES) {
    try {
      const root = packageRoot(require.resolve(name), name);
      if (root) roots.push(root);
    } catch {
      // Not installed (an optional protocol's exporter): nothing of it can be on a stack.
    }
  }
  return roots;
}

/** Whether `frame` runs code under one of `roots` (frames name CommonJS files by path, ES modules by URL). */
export function isOwnFrame(frame: Frame, roots: readonly string[]): boolean {
  let file = frame.file;
  if (file.startsWith('file:')) {
    try {
      file = fileURLToPath(file);
    } catch {
      return false;
    }
  }
  return file !== '' && roots.some((root) => file.startsWith(root));
}
