/**
 * The real nginx (Debian package) as an HTTP load balancer on a free port:
 * round robin over `upstreams` (host:port), no stickiness, keep-alive to the
 * upstreams, and the next upstream tried when one refuses the connection
 * (as a load balancer in front of collector replicas is configured).
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, type Child } from './child.js';
import { freePort } from './ports.js';
import { waitFor } from './wait.js';

export interface Nginx {
  readonly url: string;
  readonly child: Child;
  stop(): Promise<void>;
}

export async function startNginx(upstreams: readonly string[]): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'loopscope-nginx-'));
  await mkdir(join(dir, 'tmp'));
  const port = await freePort();
  const conf = `
daemon off;
master_process off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log stderr warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'tmp')};
  proxy_temp_path ${join(dir, 'tmp')};
  fastcgi_temp_path ${join(dir, 'tmp')};
  uwsgi_temp_path ${join(dir, 'tmp')};
  scgi_temp_path ${join(dir, 'tmp')};
  client_max_body_size 32m;
  upstream collectors {
${upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=2s;`).join('\n')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://collectors;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream error timeout http_502;
      proxy_connect_timeout 1s;
    }
  }
}
`;
  const file = join(dir, 'nginx.conf');
  await writeFile(file, conf);
  const child = startProcess('nginx', ['-c', file, '-p', dir, '-e', 'stderr']);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.process.exitCode !== null) throw new Error(`nginx exited:\n${child.stderr()}`);
      try {
        await fetch(url);
        return true;
      } catch {
        return false;
      }
    },
    { what: 'nginx to listen', timeoutMs: 15_000 },
  );
  return {
    url,
    child,
    async stop() {
      await child.stop('SIGTERM', 5_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
