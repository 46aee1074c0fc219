/**
 * Spike: a calm baseline, a sudden jump to many times the rate, then back.
 * Shows how long the loop needs to drain the backlog and whether latency
 * returns to the baseline.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3000 -e SPIKE_RATE=600 loadtests/k6/spike.ts
 */
import { envNumber, rate } from './lib/config.ts';
import { buildOptions } from './lib/options.ts';
import { hit } from './lib/requests.ts';
import { summaryWriter } from './lib/summary.ts';

const BASE_RATE = envNumber('BASE_RATE', 20);
const SPIKE_RATE = envNumber('SPIKE_RATE', 500);

export const options = buildOptions({
  script: 'spike',
  // A spike may overrun the VU pool for a moment, not for the whole hold.
  maxDropped: 500,
  scenarios: {
    spike: {
      executor: 'ramping-arrival-rate',
      exec: 'ok',
      startRate: rate(BASE_RATE),
      timeUnit: '1s',
      preAllocatedVUs: 50,
      maxVUs: 1000,
      stages: [
        { target: rate(BASE_RATE), duration: '30s' },
        { target: rate(SPIKE_RATE), duration: '2s' },
        { target: rate(SPIKE_RATE), duration: '20s' },
        { target: rate(BASE_RATE), duration: '2s' },
        { target: rate(BASE_RATE), duration: '1m' },
      ],
    },
  },
});

export function ok(): void {
  hit('ok', '/ok');
}

export const handleSummary = summaryWriter('spike');
