import autocannon from 'autocannon';
import type { Load } from './phases.js';

/**
 * Runs loads against base URLs until stopped. Request errors are expected
 * (the targets are made to struggle) and only counted, never thrown.
 */
export class Traffic {
  private readonly runs: autocannon.Instance[] = [];
  errors = 0;

  start(url: string, load: Load): void {
    const run = autocannon(
      {
        url,
        connections: load.connections,
        overallRate: load.rate,
        // Stopped by stop() at the end of the phase; the bound is a safety net.
        duration: 3600,
        requests: load.paths.map((path) => ({ method: 'GET', path })),
      },
      (err) => {
        if (err) this.errors += 1;
      },
    );
    run.on('reqError', () => (this.errors += 1));
    this.runs.push(run);
  }

  stop(): void {
    for (const run of this.runs.splice(0)) run.stop();
  }
}
