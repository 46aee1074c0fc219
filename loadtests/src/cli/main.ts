import { writeFile } from 'node:fs/promises';
import { analyze } from '../analysis/analyze.js';
import { compareRuns } from '../analysis/baseline.js';
import { isReport, type Report } from '../analysis/report.js';
import { InputError, LOADTESTS_ERRORS, printError } from '../errors.js';
import { parseJsonDocument } from '../k6/json-text.js';
import { readAllText } from '../k6/open.js';
import { detectFormat } from '../k6/read.js';
import { renderHtml } from '../report/html.js';
import { renderMarkdown } from '../report/markdown.js';
import { CollectorSource } from '../server/collector.js';
import { PrometheusSource } from '../server/prometheus.js';
import type { ServerSource } from '../server/source.js';
import { HELP, parseCli, type CliOptions } from './args.js';
import { progressBar } from './progress.js';

export const EXIT = {
  ok: 0,
  regression: LOADTESTS_ERRORS.LOOPSCOPE_ANALYZE_REGRESSION.exit,
  usage: LOADTESTS_ERRORS.LOOPSCOPE_ANALYZE_USAGE.exit,
  thresholds: LOADTESTS_ERRORS.LOOPSCOPE_ANALYZE_THRESHOLDS.exit,
} as const;

/** A previous run: a loopscope report, or any k6 results file (client side only). */
async function loadBaseline(file: string): Promise<Report> {
  if ((await detectFormat(file)) === 'json') {
    const doc = parseJsonDocument(file, await readAllText(file));
    if (isReport(doc)) {
      if (doc.schemaVersion !== 1)
        throw new InputError(
          file,
          undefined,
          `report schema version ${String(doc.schemaVersion)} is not supported`,
        );
      return doc;
    }
  }
  return analyze({ file });
}

function serverOf(o: CliOptions): ServerSource | undefined {
  if (o.prometheus)
    return new PrometheusSource(o.prometheus, o.rateWindow ? { window: o.rateWindow } : {});
  if (o.collector) return new CollectorSource(o.collector);
  return undefined;
}

const RENDER = {
  md: renderMarkdown,
  json: (r: Report) => `${JSON.stringify(r, null, 2)}\n`,
  html: renderHtml,
};

/** Runs the CLI; returns the exit code. Errors propagate to cli.ts, which prints them without a stack. */
export async function main(
  argv: readonly string[],
  stdout: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const o = parseCli(argv);
  if (o.help) {
    stdout.write(HELP);
    return EXIT.ok;
  }
  const bar = o.progress ? progressBar() : undefined;
  const server = serverOf(o);
  let report: Report;
  try {
    report = await analyze({
      file: o.file,
      ...(o.latencyMetric ? { latencyMetric: o.latencyMetric } : {}),
      ...(server ? { server } : {}),
      ...(o.job ? { job: o.job } : {}),
      ...(o.instance ? { instance: o.instance } : {}),
      ...(o.fromMs !== undefined ? { fromMs: o.fromMs } : {}),
      ...(o.toMs !== undefined ? { toMs: o.toMs } : {}),
      ...(bar ? { onProgress: bar.update } : {}),
      limits: { maxInputBytes: o.maxInputBytes, maxLineBytes: o.maxLineBytes },
    });
  } finally {
    bar?.done();
  }
  if (o.baseline)
    report.baseline = compareRuns(report, await loadBaseline(o.baseline), o.baseline, o.gates);

  for (const [format, path] of [
    ['md', o.md],
    ['json', o.json],
    ['html', o.html],
  ] as const)
    if (path) await writeFile(path, RENDER[format](report));
  stdout.write(RENDER[o.format](report));

  if (report.baseline?.regressed) return EXIT.regression;
  if (o.failOnThresholds && report.thresholdsPassed === false) return EXIT.thresholds;
  const unevaluated = report.thresholdsUnevaluated;
  if (o.failOnThresholds && unevaluated.length > 0) {
    const names = unevaluated.map((u) => u.metric).join(', ');
    if (o.unevaluatedThresholds === 'fail') {
      const code = 'LOOPSCOPE_ANALYZE_UNEVALUATED_THRESHOLDS';
      const why = `thresholds cannot be evaluated from this input (${names}): failing (--unevaluated-thresholds fail)`;
      printError('loopscope-analyze', code, why);
      return LOADTESTS_ERRORS[code].exit;
    }
    process.stderr.write(
      `loopscope-analyze: warning: thresholds cannot be evaluated from this input (${names}); --unevaluated-thresholds fail makes this exit 3\n`,
    );
  }
  return EXIT.ok;
}
