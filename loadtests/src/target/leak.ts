import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

/**
 * Leaks TCP connections on purpose: each one is a client socket to a private
 * loopback server plus that server's accepted socket, so both sides show up in
 * `process.getActiveResourcesInfo()` as `TCPSocketWrap` and keep the loop alive,
 * exactly like a forgotten keep-alive connection would.
 */
export class HandleLeak {
  private server: Server | undefined;
  private readonly clients = new Set<Socket>();
  private readonly peers = new Set<Socket>();

  /** Leaked connections currently open. */
  get open(): number {
    return this.clients.size;
  }

  async leak(n: number): Promise<void> {
    const port = await this.listen();
    await Promise.all(
      Array.from({ length: n }, async () => {
        const socket = createConnection({ host: '127.0.0.1', port });
        track(this.clients, socket);
        await once(socket, 'connect');
      }),
    );
  }

  /** Closes every leaked connection; returns how many there were. */
  release(): number {
    const released = this.clients.size;
    for (const socket of [...this.clients, ...this.peers]) socket.destroy();
    this.clients.clear();
    this.peers.clear();
    return released;
  }

  async close(): Promise<void> {
    this.release();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private async listen(): Promise<number> {
    if (!this.server) {
      const server = createServer((socket) => track(this.peers, socket));
      this.server = server;
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
    }
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('leak server has no port');
    return address.port;
  }
}

function track(set: Set<Socket>, socket: Socket): void {
  set.add(socket);
  // A reset must not crash the target; the socket just leaves the set.
  socket.on('error', () => socket.destroy());
  socket.on('close', () => set.delete(socket));
}
