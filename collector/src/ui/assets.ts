import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The browser files live in collector/ui (plain JS/CSS, no bundler); from dist/src/ui that is three levels up. */
const UI_DIR = fileURLToPath(new URL('../../../ui/', import.meta.url));
/** uPlot ships ready-to-serve builds; serving them from node_modules keeps the page working offline. */
const UPLOT_DIST = join(
  dirname(createRequire(import.meta.url).resolve('uplot/package.json')),
  'dist',
);

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

function load(file: string): Asset {
  return { body: readFileSync(file), type: TYPES[extname(file)] ?? 'application/octet-stream' };
}

/**
 * Every file the page may load, read once at startup and keyed by URL path:
 * a fixed table, so no request path ever reaches the file system.
 */
export function loadAssets(): { index: Asset; byPath: ReadonlyMap<string, Asset> } {
  const byPath = new Map<string, Asset>();
  for (const name of readdirSync(UI_DIR)) {
    if (name !== 'index.html' && TYPES[extname(name)])
      byPath.set(`/ui/${name}`, load(join(UI_DIR, name)));
  }
  for (const name of ['uPlot.iife.min.js', 'uPlot.min.css']) {
    byPath.set(`/vendor/uplot/${name}`, load(join(UPLOT_DIST, name)));
  }
  return { index: load(join(UI_DIR, 'index.html')), byPath };
}
