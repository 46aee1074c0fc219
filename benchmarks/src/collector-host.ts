/**
 * A real loopscope collector (buildApp) in the harness process, receiving
 * what the measured apps export, so their exporters do the full round trip
 * of production. It also counts exports per job: an arm whose tool never
 * exported would make a meaningless figure, so the benchmarks check.
 */
import type { AddressInfo } from 'node:net';
import { buildApp } from '@loopscope/collector';
import type { FastifyInstance } from 'fastify';

export interface CollectorHost {
  readonly app: FastifyInstance;
  /** Base URL, e.g. http://127.0.0.1:1234 (agents add /v1/metrics). */
  readonly url: string;
  /** Exports received so far from senders of this job (service.name). */
  exports(job: string): number;
  /** OTel names of the metrics received from senders of this job. */
  metrics(job: string): ReadonlySet<string>;
  close(): Promise<void>;
}

export async function startCollectorHost(): Promise<CollectorHost> {
  const app = buildApp(
    { selfMonitor: false, logLevel: 'error', expireAfterMs: 30 * 60_000 },
    { logStream: { write: (line) => void process.stderr.write(line) } },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const counts = new Map<string, number>();
  const names = new Map<string, Set<string>>();
  app.loopscope.store.subscribe((batch) => {
    for (const rm of batch) {
      const job = rm.sender.job;
      counts.set(job, (counts.get(job) ?? 0) + 1);
      const seen = names.get(job) ?? new Set<string>();
      for (const m of rm.metrics) seen.add(m.name);
      names.set(job, seen);
    }
  });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    exports: (job) => counts.get(job) ?? 0,
    metrics: (job) => names.get(job) ?? new Set(),
    close: () => app.close(),
  };
}
