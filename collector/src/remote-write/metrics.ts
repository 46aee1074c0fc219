/** The remote-write output's self-metrics, in the collector's prom-client registries. */
import { Counter, Gauge, type Registry } from 'prom-client';
import {
  REMOTE_WRITE_METRICS,
  REMOTE_WRITE_RESULTS,
  type RemoteWriteResult,
} from '../self-metric-names.js';

export interface RemoteGauges {
  queueBytes(): number;
  lagSeconds(now: number): number;
}

export class RemoteWriteMetrics {
  private readonly samples: Counter<'remote' | 'result'>;
  private readonly requests: Counter<'remote' | 'code'>;
  private readonly gauges = new Map<string, RemoteGauges>();

  constructor(registers: Registry[]) {
    this.samples = new Counter({
      name: REMOTE_WRITE_METRICS.samples,
      help: 'Samples for each remote-write endpoint, by result: sent, retried (a failed attempt, sent again), dropped (refused by the database with a 4xx, or unsent at shutdown), out_of_order (not newer than the last sample written for the series; never sent).',
      labelNames: ['remote', 'result'],
      registers,
    });
    this.requests = new Counter({
      name: REMOTE_WRITE_METRICS.requests,
      help: 'Remote-write requests, by HTTP status code ("error" when no answer came: network error or timeout).',
      labelNames: ['remote', 'code'],
      registers,
    });
    const gauges = this.gauges;
    new Gauge({
      name: REMOTE_WRITE_METRICS.queueBytes,
      help: 'Encoded samples waiting to be sent (or being sent), bytes; exports get 503 once --remote-write-queue-bytes is reached.',
      labelNames: ['remote'],
      registers,
      collect() {
        for (const [remote, g] of gauges) this.set({ remote }, g.queueBytes());
      },
    });
    new Gauge({
      name: REMOTE_WRITE_METRICS.lag,
      help: 'Age of the oldest sample waiting to be sent, seconds (0 when the queue is empty).',
      labelNames: ['remote'],
      registers,
      collect() {
        const now = Date.now();
        for (const [remote, g] of gauges) this.set({ remote }, g.lagSeconds(now));
      },
    });
  }

  register(remote: string, gauges: RemoteGauges): void {
    this.gauges.set(remote, gauges);
    for (const result of REMOTE_WRITE_RESULTS) this.samples.inc({ remote, result }, 0);
  }

  count(remote: string, result: RemoteWriteResult, n: number): void {
    if (n > 0) this.samples.inc({ remote, result }, n);
  }

  request(remote: string, code: string): void {
    this.requests.inc({ remote, code });
  }
}
