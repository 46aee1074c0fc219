/**
 * The Prometheus HTTP API as both Prometheus and VictoriaMetrics serve it
 * (`/api/v1/query`, `query_range`, `targets`): one client for both test
 * servers, so a query behaves the same whichever one a test started.
 */
import { stringify } from 'node:querystring';
import { waitFor } from './wait.js';

export interface PromSample {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

export interface PromApi {
  /** Instant query; throws with the server's own error message on a bad query. */
  query(expr: string): Promise<PromSample[]>;
  queryRange(
    expr: string,
    startSec: number,
    endSec: number,
    stepSec: number,
  ): Promise<PromSample[]>;
  /** GET an API path (e.g. '/api/v1/alerts') and return its `data`. */
  api<T = unknown>(path: string): Promise<T>;
  /** Waits until every scrape target has been scraped successfully at least once. */
  waitForTargetsUp(timeoutMs?: number): Promise<void>;
}

/**
 * A client of the server at `url`; `server` names it in errors, and `query`
 * is appended to every path (VictoriaMetrics takes `nocache=1` so a test
 * sees the newest samples).
 */
export function promApi(url: string, server: string, query = ''): PromApi {
  async function api<T>(path: string): Promise<T> {
    const extra = query ? `${path.includes('?') ? '&' : '?'}${query}` : '';
    const res = await fetch(`${url}${path}${extra}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success')
      throw new Error(`${server} ${path}: ${body.error ?? res.status}`);
    return body.data;
  }
  return {
    api,
    query: async (expr) =>
      (await api<{ result: PromSample[] }>(`/api/v1/query?${stringify({ query: expr })}`)).result,
    queryRange: async (expr, start, end, step) =>
      (
        await api<{ result: PromSample[] }>(
          `/api/v1/query_range?${stringify({ query: expr, start, end, step })}`,
        )
      ).result,
    async waitForTargetsUp(timeoutMs = 30_000) {
      await waitFor(
        async () => {
          const data = await api<{ activeTargets: { health: string }[] }>('/api/v1/targets');
          return (
            data.activeTargets.length > 0 && data.activeTargets.every((t) => t.health === 'up')
          );
        },
        { what: `all ${server} scrape targets up`, timeoutMs },
      );
    },
  };
}
