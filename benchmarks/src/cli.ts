#!/usr/bin/env node
/** loopscope-bench: see --help. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGE_DIR } from './children.js';
import { exitWith, type BenchErrorCode } from './errors.js';
import { describeMachine, machine } from './machine.js';
import { progress } from './progress.js';
import { goalLines, type Report } from './report.js';
import { BENCHMARKS, DEFAULT_RUN, type BenchmarkName } from './registry.js';

const HELP = `Usage: loopscope-bench [options] [benchmark...]

Runs loopscope's benchmarks against prom-client, the OpenTelemetry runtime
instrumentation and Prometheus Pushgateway, and prints a Markdown report
(progress goes to stderr). Loopback only; every run is bounded in time.

Benchmarks (default: all but memory, which cpu reports too):
${Object.entries(BENCHMARKS)
  .map(([name, b]) => `  ${name.padEnd(10)} ${b.about}`)
  .join('\n')}

Options:
  --quick         short runs that check the harness works (figures are not meaningful)
  --rounds <n>    rounds (cpu, memory) or A/B blocks (load) instead of the defaults
  --lines <list>  Node major lines for accuracy, e.g. 20,26 (default: 20,22,24,26;
                  missing ones are installed from the npm registry into .cache/)
  --out <dir>     also write <benchmark>.md and <benchmark>.json there (default: benchmarks/dist/results)
  --help          print this help and exit
`;

function fail(message: string, code: BenchErrorCode = 'LOOPSCOPE_BENCH_USAGE'): never {
  exitWith(code, message, 'Run loopscope-bench --help for usage.');
}

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      lines: { type: 'string' },
      out: { type: 'string', default: join(PACKAGE_DIR, 'dist', 'results') },
      help: { type: 'boolean', default: false },
    },
  });
}
try {
  args = parse();
} catch (err) {
  fail((err as Error).message);
}
if (args.values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const rounds = args.values.rounds === undefined ? undefined : Number(args.values.rounds);
if (rounds !== undefined && !(Number.isSafeInteger(rounds) && rounds >= 1 && rounds <= 100)) {
  fail(`--rounds must be an integer from 1 to 100, got ${args.values.rounds}`);
}
const lines = args.values.lines?.split(',').filter(Boolean);
if (lines?.some((l) => !/^\d{2}$/.test(l))) {
  fail(
    `--lines takes Node major versions separated by commas, e.g. 22,26; got ${args.values.lines}`,
  );
}
const names = args.positionals.length > 0 ? args.positionals : DEFAULT_RUN;
for (const name of names) {
  if (!(name in BENCHMARKS))
    fail(
      `unknown benchmark ${JSON.stringify(name)}; known: ${Object.keys(BENCHMARKS).join(', ')}`,
      'LOOPSCOPE_BENCH_UNKNOWN_BENCHMARK',
    );
}

const m = machine();
const out = args.values.out;
mkdirSync(out, { recursive: true });
process.stdout.write(
  `# loopscope benchmarks\n\nMachine: ${describeMachine(m)}${args.values.quick ? ' (--quick: figures not meaningful)' : ''}\n`,
);
const settings = {
  quick: args.values.quick,
  ...(rounds !== undefined && { rounds }),
  ...(lines && { lines }),
};
let missed = 0;
for (const name of names as BenchmarkName[]) {
  progress(name, `starting: ${BENCHMARKS[name].about}`);
  const started = Date.now();
  let reports: Report[];
  try {
    reports = await BENCHMARKS[name].run(settings);
  } catch (err) {
    const why = err instanceof Error ? (err.stack ?? err.message) : String(err);
    exitWith('LOOPSCOPE_BENCH_FAILED', `${name}: ${why}`);
  }
  for (const report of reports) {
    const text = `\n## ${report.name}\n\n${report.markdown}\n\n${goalLines(report.goals)}\n`;
    process.stdout.write(text);
    writeFileSync(join(out, `${report.name}.md`), text);
    writeFileSync(
      join(out, `${report.name}.json`),
      JSON.stringify({ machine: m, settings, goals: report.goals, data: report.data }, null, 2),
    );
    missed += report.goals.filter((g) => g.met === false).length;
  }
  progress(name, `done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
progress('all', `${missed} goal(s) missed; reports in ${out}`);
