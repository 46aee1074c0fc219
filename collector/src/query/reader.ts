import type { FleetReader } from '../api/reader.js';
import type { HistoryOptions } from '../history/bounds.js';
import type { PromQueryClient } from './client.js';
import { readFleet } from './fleet.js';
import { readSeries } from './chart-series.js';

/**
 * The JSON API over a Prometheus-compatible database (`--query-url`): every
 * replica answers for the whole fleet, and history survives restarts.
 */
export function databaseReader(
  client: PromQueryClient,
  o: Pick<HistoryOptions, 'windowMs' | 'rankWindowMs' | 'maxInstances'>,
): FleetReader {
  return {
    windowMs: o.windowMs,
    source: 'database',
    async fleet(nowMs) {
      const { services, untrackedInstances } = await readFleet(client, o, nowMs);
      return {
        windowMs: o.windowMs,
        rankWindowMs: o.rankWindowMs,
        maxInstances: o.maxInstances,
        untrackedInstances,
        services,
      };
    },
    series: (q) => readSeries(client, q, o.windowMs, Date.now()),
  };
}
