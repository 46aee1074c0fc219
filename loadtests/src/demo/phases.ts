/**
 * The demo's script: each phase drives one behaviour of Node's model and says
 * what to look at in the UI. One instance (the "worst") gets heavier load in
 * every phase, so "which instance is worst?" has a visible answer.
 */

/** Load for one autocannon run against one instance; paths are taken in turn. */
export interface Load {
  readonly paths: readonly string[];
  readonly connections: number;
  /** Requests per second over all connections. */
  readonly rate: number;
}

export interface Phase {
  readonly name: string;
  /** One line for the terminal: what happens and what to look at. */
  readonly says: (worst: string) => string;
  /** Loads per instance: each array entry runs as its own autocannon instance. */
  readonly load: (isWorst: boolean) => readonly Load[];
  /** Paths requested once on every instance when the phase starts. */
  readonly onEnter?: readonly string[];
}

const background: Load = { paths: ['/ok', '/ok', '/ok', '/fs', '/dns'], connections: 2, rate: 40 };
/** The worst instance also has a slow endpoint: 60 ms of CPU once a second, in every phase. */
const slowEndpoint: Load = { paths: ['/block?ms=60'], connections: 1, rate: 1 };
/** Every phase's load on the worst instance includes its slow endpoint. */
const withSlow = (isWorst: boolean, loads: readonly Load[]) =>
  isWorst ? [...loads, slowEndpoint] : loads;

export const PHASES: readonly Phase[] = [
  {
    name: 'steady',
    says: (worst) =>
      `light traffic on every instance; ${worst} also serves a slow endpoint (60 ms of CPU once a second). Look at: the fleet ranks ${worst} first by loop delay p99, every instance live.`,
    load: (isWorst) => withSlow(isWorst, [background]),
  },
  {
    name: 'loop blocking',
    says: (worst) =>
      `GET /block runs synchronous CPU on the main thread; ${worst} blocks 300 ms per request, the others 60 ms. Look at: event-loop delay p99 and max jump, ${worst} goes to the top of the fleet.`,
    load: (isWorst) =>
      withSlow(isWorst, [
        background,
        { paths: [`/block?ms=${isWorst ? 300 : 60}`], connections: 1, rate: 2 },
      ]),
  },
  {
    name: 'pool saturation',
    says: (worst) =>
      `GET /pbkdf2, /fs and /dns in bursts: more work than libuv's 4 pool threads, most on ${worst}. Look at: thread-pool queue delay and requests in flight rise (on a small machine the pool's CPU use slows the loop too).`,
    load: (isWorst) =>
      withSlow(isWorst, [
        {
          paths: ['/pbkdf2?iterations=50000', '/fs', '/dns'],
          connections: isWorst ? 8 : 4,
          rate: isWorst ? 60 : 15,
        },
      ]),
  },
  {
    name: 'handle leak',
    says: (worst) =>
      `GET /leak opens connections that are never closed, twice as fast on ${worst}. Look at: active handles (TCPSocketWrap) climb.`,
    load: (isWorst) =>
      withSlow(isWorst, [
        background,
        { paths: ['/leak?n=10'], connections: 1, rate: isWorst ? 4 : 2 },
      ]),
  },
  {
    name: 'recovery',
    says: () =>
      'leaked connections released, light traffic again. Look at: handles drop back, delays return to baseline.',
    load: (isWorst) => withSlow(isWorst, [background]),
    onEnter: ['/leak/release'],
  },
];
