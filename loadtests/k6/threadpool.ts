/**
 * Thread-pool saturation: a climbing rate of pbkdf2 requests (libuv pool
 * work) beside steady fast traffic. When the pool queues, pbkdf2 latency
 * grows while /ok stays fast (the loop itself is free): the per-name
 * thresholds make that visible, and the analysis names the pool.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3000 -e PBKDF2_ITERATIONS=100000 loadtests/k6/threadpool.ts
 */
import { env, envNumber, P95_MS, rate } from './lib/config.ts';
import { buildOptions } from './lib/options.ts';
import { hit } from './lib/requests.ts';
import { summaryWriter } from './lib/summary.ts';

const ITERATIONS = envNumber('PBKDF2_ITERATIONS', 100000);
const POOL_RATE = envNumber('POOL_RATE', 80);
const DURATION = env('DURATION', '2m');

export const options = buildOptions({
  script: 'threadpool',
  // The pool queueing backs requests up into the VU pool: some drops are expected.
  maxDropped: 200,
  thresholds: {
    // The fast endpoint must stay fast while the pool is busy.
    'http_req_duration{name:ok}': [`p(95)<${P95_MS}`],
  },
  scenarios: {
    ok: {
      executor: 'constant-arrival-rate',
      exec: 'ok',
      rate: rate(50),
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: 10,
      maxVUs: 100,
    },
    pbkdf2: {
      executor: 'ramping-arrival-rate',
      exec: 'pbkdf2',
      startRate: 1,
      timeUnit: '1s',
      preAllocatedVUs: 20,
      maxVUs: 400,
      stages: [{ target: rate(POOL_RATE), duration: DURATION }],
    },
  },
});

export function ok(): void {
  hit('ok', '/ok');
}

export function pbkdf2(): void {
  hit('pbkdf2', `/pbkdf2?iterations=${ITERATIONS}`);
}

export const handleSummary = summaryWriter('threadpool');
