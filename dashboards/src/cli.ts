#!/usr/bin/env node
/**
 * loopscope-dashboards: writes the Grafana dashboards and Prometheus rules
 * (or, with --check, says whether the committed ones are up to date).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generate, staleFiles, writeFiles } from './generate.js';
import { DashboardsError, errorLine } from './errors.js';
import { OPTIONS, keyOfFlag, normalizeOptions, removedHint } from './options.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function help(): string {
  const lines = [
    'Usage: loopscope-dashboards [options]     (from the repository root: npm run dashboards -- [options])',
    '',
    'Generates deploy/grafana/dashboards/*.json and deploy/prometheus/rules/*.yml.',
    '',
    '  --out DIR        root to write under (default: the repository root)',
    '  --check          write nothing; exit 1 and list the files that differ from a fresh generation',
    '  --help           this text',
    '',
    'Alert thresholds, for: durations and links (defaults in brackets):',
  ];
  for (const s of Object.values(OPTIONS)) {
    lines.push(
      `  --${s.flag} ${s.kind === 'string' ? 'TEXT' : s.kind.toUpperCase()}  [${s.default}]`,
    );
    lines.push(`        ${s.help}`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const flags = Object.fromEntries(
    Object.values(OPTIONS).map((s) => [s.flag, { type: 'string' as const }]),
  );
  for (const arg of argv) {
    const hint = arg.startsWith('--') ? removedHint(arg.slice(2).split('=')[0] ?? '') : undefined;
    if (hint !== undefined) throw new DashboardsError('LOOPSCOPE_DASHBOARDS_USAGE', hint);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        ...flags,
        out: { type: 'string' },
        check: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    const message = `${(err as Error).message}\nRun with --help for the options.`;
    throw new DashboardsError('LOOPSCOPE_DASHBOARDS_USAGE', message);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(help());
    return 0;
  }
  const overrides: Record<string, unknown> = {};
  for (const [flag, value] of Object.entries(values)) {
    const key = keyOfFlag(flag);
    if (key) overrides[key] = value;
  }
  const options = normalizeOptions(overrides);
  const root = typeof values.out === 'string' ? values.out : REPO_ROOT;
  const files = generate(options);
  if (values.check) {
    const stale = await staleFiles(root, files);
    if (stale.length) {
      throw new DashboardsError(
        'LOOPSCOPE_DASHBOARDS_STALE',
        `out of date (run npm run dashboards and commit the result):\n${stale.map((p) => `  ${p}`).join('\n')}`,
      );
    }
    process.stdout.write(`${files.length} generated files are up to date.\n`);
    return 0;
  }
  await writeFiles(root, files);
  process.stdout.write(`${files.map((f) => `wrote ${f.path}`).join('\n')}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const { line, exitCode } = errorLine(err);
    process.stderr.write(line);
    process.exitCode = exitCode;
  },
);
