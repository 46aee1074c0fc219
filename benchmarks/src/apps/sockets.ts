/**
 * Open TCP sockets in this process, as a busy server would hold: a loopback
 * server and count/2 connections to it, so `count` sockets (both ends) are
 * active resources here. Connections are opened in batches to stay under
 * the listen backlog.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface OpenSockets {
  readonly count: number;
  close(): Promise<void>;
}

const BATCH = 200;

export async function openSockets(count: number): Promise<OpenSockets> {
  if (count <= 0) return { count: 0, close: () => Promise.resolve() };
  if (count % 2 !== 0) throw new RangeError(`socket count must be even, got ${count}`);
  const accepted: Socket[] = [];
  const server: Server = createServer((s) => void accepted.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 2048, resolve));
  const { port } = server.address() as AddressInfo;
  const clients: Socket[] = [];
  for (let i = 0; i < count / 2; i += BATCH) {
    const n = Math.min(BATCH, count / 2 - i);
    await Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise<void>((resolve, reject) => {
            const s = connect(port, '127.0.0.1', () => resolve());
            s.on('error', reject);
            clients.push(s);
          }),
      ),
    );
  }
  while (accepted.length < count / 2) await new Promise((r) => setImmediate(r));
  return {
    count,
    async close() {
      for (const s of [...clients, ...accepted]) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
