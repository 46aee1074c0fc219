// Thin client of the collector's JSON API (documented in collector/README.md).

async function get(path, params) {
  const qs = params ? `?${new URLSearchParams(params)}` : '';
  const res = await fetch(`${path}${qs}`, { headers: { accept: 'application/json' } });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      message = (await res.json()).message ?? message;
    } catch {
      // not JSON: keep the status line
    }
    throw new Error(`${path}: ${message}`);
  }
  return res.json();
}

export const instances = () => get('/api/v1/instances');

export const series = (job, instance, metric, from) =>
  get('/api/v1/series', { job, instance, metric, from: String(Math.floor(from)) });

export const blocks = (job, instance) => get('/api/v1/blocks', { job, instance });

export const busy = (job, instance) => get('/api/v1/busy', { job, instance });

/** Set by the server into the page: the series name behind each chart, and optional routes present. */
export const config = JSON.parse(document.getElementById('loopscope-config').textContent);
export const features = new Set(config.features);

/**
 * One series kept in the browser and extended incrementally: each poll asks
 * only for points newer than the last one held.
 */
export class SeriesBuffer {
  constructor(job, instance, metric) {
    Object.assign(this, { job, instance, metric });
    this.t = [];
    this.columns = [];
    this.unit = '';
    this.coveredFrom = Infinity;
  }

  async refresh(rangeMs) {
    const horizon = Date.now() - rangeMs;
    const last = this.t.at(-1);
    // What is held already covers the range's start: only newer points are needed.
    if (last !== undefined && this.coveredFrom <= horizon) {
      const body = await series(this.job, this.instance, this.metric, last + 1);
      const incoming = new Map(body.series.map((c) => [c.name, c.values]));
      if (body.t.length === 0) return this;
      if (
        incoming.size === this.columns.length &&
        this.columns.every((c) => incoming.has(c.name))
      ) {
        this.t.push(...body.t);
        for (const c of this.columns) c.values.push(...incoming.get(c.name));
        this.trim(horizon);
        return this;
      }
      // A new type appeared (say, a handle kind): older points need its zeros too.
    }
    const body = await series(this.job, this.instance, this.metric, horizon);
    this.unit = body.unit;
    this.t = body.t;
    this.columns = body.series;
    this.coveredFrom = horizon;
    return this;
  }

  trim(horizon) {
    let drop = 0;
    while (drop < this.t.length && this.t[drop] < horizon) drop += 1;
    if (drop === 0) return;
    this.t.splice(0, drop);
    for (const c of this.columns) c.values.splice(0, drop);
  }
}
