/**
 * A small client of the Prometheus HTTP query API (`/api/v1/query`,
 * `/api/v1/query_range`), which Prometheus, Mimir, Thanos Query, Cortex and
 * VictoriaMetrics all serve. Used by `--query-url`.
 */

/** One series of an instant (`value`) or range (`values`) answer; values are PromQL's strings. */
export interface PromSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly value?: readonly [number, string];
  readonly values?: readonly (readonly [number, string])[];
}

/** The database could not be asked or refused the query; the message says which and why. */
export class QueryError extends Error {
  override readonly name = 'QueryError';
}

/** Longest answer read from the database: a runaway query must not take the collector's memory. */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

export interface QueryClientOptions {
  readonly timeoutMs: number;
}

export class PromQueryClient {
  /** The URL without credentials (safe to log). */
  readonly url: string;
  private readonly authorization: string | undefined;

  constructor(
    url: string,
    private readonly options: QueryClientOptions = { timeoutMs: 10_000 },
  ) {
    const parsed = new URL(url);
    // fetch refuses URLs with credentials: send them as basic auth instead.
    if (parsed.username || parsed.password) {
      const user = decodeURIComponent(parsed.username);
      const pass = decodeURIComponent(parsed.password);
      this.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
      parsed.username = '';
      parsed.password = '';
    }
    this.url = parsed.toString().replace(/\/+$/, '');
  }

  /** Instant query at `timeSec` (seconds since the epoch). */
  async query(expr: string, timeSec: number): Promise<PromSeries[]> {
    return this.get('/api/v1/query', { query: expr, time: String(timeSec) });
  }

  /** Range query, every `stepSec` from `startSec` to `endSec`. */
  async queryRange(
    expr: string,
    startSec: number,
    endSec: number,
    stepSec: number,
  ): Promise<PromSeries[]> {
    return this.get('/api/v1/query_range', {
      query: expr,
      start: String(startSec),
      end: String(endSec),
      step: String(stepSec),
    });
  }

  private async get(path: string, params: Record<string, string>): Promise<PromSeries[]> {
    // nocache=1: VictoriaMetrics otherwise serves the newest points of a range from a cache
    // that lags; every other database ignores the parameter.
    const query = new URLSearchParams({ ...params, nocache: '1' }).toString();
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}?${query}`, {
        headers: {
          accept: 'application/json',
          ...(this.authorization ? { authorization: this.authorization } : {}),
        },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      throw new QueryError(`cannot reach the query URL ${this.url}: ${cause}`);
    }
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > MAX_ANSWER_BYTES) {
      await res.body?.cancel();
      throw new QueryError(`the database answered ${length} bytes (limit ${MAX_ANSWER_BYTES})`);
    }
    const text = await res.text();
    if (text.length > MAX_ANSWER_BYTES) {
      throw new QueryError(`the database answered more than ${MAX_ANSWER_BYTES} bytes`);
    }
    let body: { status?: string; error?: string; data?: { result?: PromSeries[] } };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new QueryError(
        `${this.url}${path} answered ${res.status} with a body that is not JSON: is --query-url the base URL of a Prometheus-compatible API?`,
      );
    }
    if (body.status !== 'success' || !Array.isArray(body.data?.result)) {
      throw new QueryError(
        `${this.url}${path} answered ${res.status}: ${body.error ?? 'not a Prometheus query result'}`,
      );
    }
    return body.data.result;
  }
}

/** A PromQL value as a number; null for missing, NaN or infinite values (gaps, not zeros). */
export function numberOf(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const v = Number(raw);
  return Number.isFinite(v) ? v : null;
}
