import type { FastifyPluginCallback } from 'fastify';
import { SERIES } from '../history/chart-series.js';
import { loadAssets } from './assets.js';
import { UI_SECURITY_HEADERS } from './headers.js';

/** Optional API routes other parts may add; the page uses each only when it is registered. */
const FEATURES = { blocks: '/api/v1/blocks', busy: '/api/v1/busy' } as const;

/** What the page needs from the server: the series name behind each chart, and the optional features. */
function pageConfig(hasRoute: (url: string) => boolean, opts: UiOptions): string {
  const series = Object.fromEntries(Object.entries(SERIES).map(([name, def]) => [def.chart, name]));
  const features = Object.entries(FEATURES)
    .filter(([, url]) => hasRoute(url))
    .map(([name]) => name);
  // Inside <script type="application/json">: only "<" could end the element early.
  return JSON.stringify({ series, features, source: opts.source, replica: opts.replica }).replace(
    /</g,
    '\\u003c',
  );
}

/** Serves the live UI at `/` and its static files under `/ui/` and `/vendor/`. */
export interface UiOptions {
  /** Where the charts come from: this process's history, or the database (--query-url). */
  readonly source: 'memory' | 'database';
  /** This replica's name: block stacks are its own when the charts come from the database. */
  readonly replica: string;
}

export const uiRoutes: FastifyPluginCallback<UiOptions> = (app, opts, done) => {
  const { index, byPath } = loadAssets();
  const template = index.body.toString('utf8');
  // Encapsulated: only this plugin's routes (the page and its files) get them.
  app.addHook('onSend', (_request, reply, payload, next) => {
    void reply.headers(UI_SECURITY_HEADERS);
    next(null, payload);
  });

  app.get('/', (_req, reply) => {
    // Decided per request so routes registered after this plugin count too,
    // and the page never probes for an absent route (a 404 is a console error).
    const config = pageConfig((url) => app.hasRoute({ method: 'GET', url }), opts);
    return reply
      .type(index.type)
      .header('cache-control', 'no-cache')
      .send(template.replace('%CONFIG%', config));
  });

  for (const [path, asset] of byPath) {
    app.get(path, (_req, reply) =>
      reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body),
    );
  }
  done();
};
