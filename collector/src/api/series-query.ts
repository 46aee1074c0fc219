import { SERIES_NAMES } from '../history/chart-series.js';
import { BadParameter, rejectUnknown, single } from './params.js';

export interface SeriesQuery {
  readonly job: string;
  readonly instance: string;
  readonly metric: string;
  readonly fromMs: number;
  readonly toMs: number;
}

const SERIES_PARAMS = ['job', 'instance', 'metric', 'from', 'to'] as const;

function required(query: Record<string, unknown>, name: string): string {
  const value = single(query, name);
  if (value === undefined || value === '') {
    throw new BadParameter(name, `${name} is required`);
  }
  return value;
}

function epochMs(query: Record<string, unknown>, name: string, fallback: number): number {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(value)) {
    throw new BadParameter(
      name,
      `${name} must be a time in milliseconds since the epoch, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/** Validates `GET /api/v1/series` parameters; `from` defaults to the start of the window, `to` to now. */
export function parseSeriesQuery(
  query: Record<string, unknown>,
  nowMs: number,
  windowMs: number,
): SeriesQuery {
  rejectUnknown(query, SERIES_PARAMS);
  const job = required(query, 'job');
  const instance = required(query, 'instance');
  const metric = required(query, 'metric');
  if (!SERIES_NAMES.includes(metric)) {
    throw new BadParameter(
      'metric',
      `metric ${JSON.stringify(metric)} is not served; expected one of ${SERIES_NAMES.join(', ')}`,
    );
  }
  const toMs = epochMs(query, 'to', nowMs);
  const fromMs = epochMs(query, 'from', toMs - windowMs);
  if (fromMs > toMs) {
    throw new BadParameter('from', `from (${fromMs}) must not be after to (${toMs})`);
  }
  return { job, instance, metric, fromMs, toMs };
}
