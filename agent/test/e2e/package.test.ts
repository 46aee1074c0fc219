/**
 * The packages as users install them: `npm pack` the agent and the
 * collector, check what the tarballs ship (a LICENSE, no source map pointing
 * at a file that is not shipped), install them with Express into a fresh
 * folder outside the repository, run an Express app with the agent from ESM
 * and from CommonJS, and check both exports reach the installed collector.
 *
 * The install needs the npm registry once (Express and the packages'
 * dependencies); `--prefer-offline` then serves them from npm's cache.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort, startNode, waitFor } from '@loopscope/testkit';
import { AGENT_DIR } from '../helpers/agent-child.js';

const run = promisify(execFile);
const COLLECTOR_DIR = resolve(AGENT_DIR, '../collector');

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Packs `dir` into `into`, extracts it, returns the extracted package folder and the tarball. */
async function pack(dir: string, into: string): Promise<{ root: string; tarball: string }> {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', into], { cwd: dir });
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  const tarball = join(into, filename);
  const root = join(into, filename.replace(/\.tgz$/, ''));
  await run('mkdir', ['-p', root]);
  await run('tar', ['-xzf', tarball, '-C', root, '--strip-components=1']);
  return { root, tarball };
}

const APP = `
import express from 'express';
const app = express();
app.get('/', (_req, res) => res.send('ok'));
const server = app.listen(0, '127.0.0.1', () => console.log('listening'));
`;

test(
  'npm pack: LICENSE, no dangling source map; installed with Express outside the repo, ESM and CommonJS export to the collector',
  { timeout: 300_000 },
  async (t) => {
    const work = await mkdtemp(join(tmpdir(), 'loopscope-pack-'));
    t.after(() => rm(work, { recursive: true, force: true }));

    const packed = [await pack(AGENT_DIR, work), await pack(COLLECTOR_DIR, work)];
    for (const { root } of packed) {
      const shipped = new Set(await files(root));
      assert.ok(shipped.has(join(root, 'LICENSE')), `${root}: LICENSE`);
      assert.match(await readFile(join(root, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
      const maps = [...shipped].filter((f) => f.endsWith('.map'));
      for (const map of maps) {
        const { sources } = JSON.parse(await readFile(map, 'utf8')) as { sources: string[] };
        for (const source of sources) {
          const target = resolve(dirname(map), source);
          assert.ok(shipped.has(target), `${map} points at ${source}, which is not shipped`);
        }
      }
    }

    const appDir = join(work, 'app');
    await run('mkdir', ['-p', appDir]);
    await writeFile(join(appDir, 'package.json'), '{"name":"app","private":true}');
    await run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        ...packed.map((p) => p.tarball),
        'express@4',
      ],
      { cwd: appDir, timeout: 240_000 },
    );
    // ESM, programmatic; CommonJS, zero-code with --import (resolved from the app's folder).
    await writeFile(
      join(appDir, 'esm.mjs'),
      `import { startAgent } from '@loopscope/agent';\nawait startAgent({ serviceName: 'pack-esm' });\n${APP}`,
    );
    await writeFile(
      join(appDir, 'cjs.cjs'),
      APP.replace("import express from 'express';", "const express = require('express');"),
    );

    const port = await freePort();
    const collector = startNode(
      [
        join(appDir, 'node_modules/@loopscope/collector/dist/src/cli.js'),
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--no-self-monitor',
      ],
      { cwd: appDir },
    );
    t.after(() => collector.stop('SIGKILL', 1000));
    await collector.waitForOutput(/listening/);

    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_METRIC_EXPORT_INTERVAL: '500',
    };
    const apps = [
      startNode(['esm.mjs'], { cwd: appDir, env }),
      startNode(['--import', '@loopscope/agent/register', 'cjs.cjs'], {
        cwd: appDir,
        env: { ...env, OTEL_SERVICE_NAME: 'pack-cjs' },
      }),
    ];
    for (const app of apps) t.after(() => app.stop('SIGKILL', 1000));
    await Promise.all(apps.map((a) => a.waitForOutput(/listening/)));

    await waitFor(
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return (
          /nodejs_eventloop_delay_seconds_count\{[^}]*job="pack-esm"/.test(text) &&
          /nodejs_eventloop_delay_seconds_count\{[^}]*job="pack-cjs"/.test(text)
        );
      },
      { what: 'both apps in the collector /metrics', timeoutMs: 30_000, intervalMs: 500 },
    );
    for (const app of apps) assert.equal(app.stderr(), '', 'the agent wrote nothing on stderr');
  },
);
