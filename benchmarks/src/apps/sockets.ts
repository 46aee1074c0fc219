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

/**
 * Each app connects from its own loopback address (127.0.0.0/8 is all
 * loopback on Linux): the harness kills apps holding 5,000 connections each
 * round, which leaves 5,000 ports in TIME_WAIT for 60 s, and eight such arms
 * exhausted the 28,000 ephemeral ports of one source address (an app then
 * never got its sockets open).
 */
function ownLoopbackAddress(): string {
  const octet = (): number => 1 + Math.floor(Math.random() * 254);
  return `127.${octet()}.${octet()}.${octet()}`;
}

export async function openSockets(count: number): Promise<OpenSockets> {
  if (count <= 0) return { count: 0, close: () => Promise.resolve() };
  if (count % 2 !== 0) throw new RangeError(`socket count must be even, got ${count}`);
  const accepted: Socket[] = [];
  const server: Server = createServer((s) => void accepted.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 2048, resolve));
  const { port } = server.address() as AddressInfo;
  const localAddress = ownLoopbackAddress();
  const clients: Socket[] = [];
  for (let i = 0; i < count / 2; i += BATCH) {
    const n = Math.min(BATCH, count / 2 - i);
    await Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise<void>((resolve, reject) => {
            const s = connect({ port, host: '127.0.0.1', localAddress }, () => resolve());
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
