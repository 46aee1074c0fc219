import { durationMs } from '@loopscope/collector/prometheus-duration';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { GATE_KEYS, GATES, parseGate, type GateKey } from '../analysis/baseline.js';
import { parseTimeArg } from '../k6/time.js';
import { DEFAULT_LIMITS } from '../k6/limits.js';

export const HELP = `loopscope-analyze: join k6 results with the server's event loop and name the bottleneck

Usage: loopscope-analyze [options] <k6-results-file>
       npm run analyze -- [options] <k6-results-file>

Input (format detected from the content; .gz accepted for streamed formats):
  k6 run --out json=FILE        NDJSON, streamed in bounded memory (also gzip)
  k6 run --out csv=FILE         CSV (also gzip)
  k6 run --summary-export=FILE  end-of-test summary (thresholds: true = failed)
  handleSummary(data) JSON      the legacy data object (thresholds: {ok})
  --new-machine-readable-summary  machine-readable summary, schema 1.0.0

Server side (optional; one of):
  --prometheus URL        read the target's metrics from Prometheus (query_range)
  --collector URL         read them from the loopscope collector's JSON API
  --job JOB               the target's job: service.namespace/service.name (required with a server)
  --instance ID           only this instance (default: all, worst one counts)
  --rate-window DUR       Prometheus rate()/quantile window, e.g. 15s (default: 4 x scrape interval)
  --from TIME, --to TIME  the run's window (RFC 3339 or Unix seconds); summary files carry
                          no times, and a narrower window analyses one phase of a run

Output:
  --format md|json|html   what to print on stdout (default md)
  --md FILE, --json FILE, --html FILE
                          also write that format to FILE (HTML is self-contained, works offline)
  --latency-metric NAME   the request latency trend (default http_req_duration, else grpc_req_duration)

Comparison (CI gates):
  --baseline FILE         a previous --json report (or k6 results) to compare with
  --gate KEY=PCT|off      allowed change in the bad direction, repeatable; keys and defaults:
${GATE_KEYS.map((k) => `                            ${k.padEnd(11)} ${String(GATES[k].pct).padStart(3)}%  ${GATES[k].label}`).join('\n')}
  --fail-on-thresholds    exit 3 when a k6 threshold failed
  --unevaluated-thresholds warn|fail
                          a threshold the input cannot carry (submetric thresholds in --out json,
                          every threshold in CSV): warn in the report (default), or with
                          --fail-on-thresholds count it as failed (exit 3)

Input limits (bytes; suffixes KiB, MiB, GiB):
  --max-input-bytes N     decoded bytes read from the file at most, after gunzip
                          (default ${DEFAULT_LIMITS.maxInputBytes / 1024 ** 3} GiB): stops a gzip bomb
  --max-line-bytes N      bytes in one NDJSON line or CSV record at most (default ${DEFAULT_LIMITS.maxLineBytes / 1024 ** 2} MiB)

  --no-progress           no progress bar (it is drawn only on a terminal anyway)
  -h, --help              this text

Exit codes: 0 ok, 1 regression against --baseline, 2 bad usage or input, 3 thresholds failed
(with --fail-on-thresholds).
`;

export type OutputFormat = 'md' | 'json' | 'html';

export interface CliOptions {
  file: string;
  prometheus?: string;
  collector?: string;
  job?: string;
  instance?: string;
  rateWindow?: string;
  fromMs?: number;
  toMs?: number;
  format: OutputFormat;
  md?: string;
  json?: string;
  html?: string;
  latencyMetric?: string;
  baseline?: string;
  gates: Partial<Record<GateKey, number>>;
  failOnThresholds: boolean;
  /** What --fail-on-thresholds does with thresholds the input cannot carry. */
  unevaluatedThresholds: 'warn' | 'fail';
  maxInputBytes: number;
  maxLineBytes: number;
  progress: boolean;
  help: boolean;
}

const BYTE_UNITS: Record<string, number> = { '': 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

function bytes(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const m = /^(\d+)\s*(kib|mib|gib)?$/i.exec(raw.trim());
  const n = m ? Number(m[1]) * (BYTE_UNITS[(m[2] ?? '').toLowerCase()] ?? 1) : NaN;
  if (!Number.isSafeInteger(n) || n < 1024)
    throw new UsageError(
      `--${name} must be a byte count of at least 1024 (suffixes KiB, MiB, GiB), got ${JSON.stringify(raw)}`,
    );
  return n;
}

function time(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const t = parseTimeArg(raw);
  if (Number.isNaN(t))
    throw new UsageError(
      `--${name} must be an RFC 3339 time or Unix seconds, got ${JSON.stringify(raw)}`,
    );
  return t;
}

export function parseCli(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        prometheus: { type: 'string' },
        collector: { type: 'string' },
        job: { type: 'string' },
        instance: { type: 'string' },
        'rate-window': { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        format: { type: 'string', default: 'md' },
        md: { type: 'string' },
        json: { type: 'string' },
        html: { type: 'string' },
        'latency-metric': { type: 'string' },
        baseline: { type: 'string' },
        gate: { type: 'string', multiple: true },
        'fail-on-thresholds': { type: 'boolean', default: false },
        'unevaluated-thresholds': { type: 'string', default: 'warn' },
        'max-input-bytes': { type: 'string' },
        'max-line-bytes': { type: 'string' },
        'no-progress': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nRun with --help for the options.`);
  }
  const v = parsed.values;
  if (v.help)
    return {
      file: '',
      format: 'md',
      gates: {},
      failOnThresholds: false,
      unevaluatedThresholds: 'warn',
      maxInputBytes: DEFAULT_LIMITS.maxInputBytes,
      maxLineBytes: DEFAULT_LIMITS.maxLineBytes,
      progress: false,
      help: true,
    };
  if (parsed.positionals.length !== 1)
    throw new UsageError(
      parsed.positionals.length === 0
        ? 'missing the k6 results file. Run with --help for usage.'
        : `expected one results file, got ${parsed.positionals.length}: ${parsed.positionals.join(' ')}`,
    );
  if (v.prometheus && v.collector)
    throw new UsageError('use --prometheus or --collector, not both');
  if ((v.prometheus || v.collector) && !v.job)
    throw new UsageError(
      '--job is required with --prometheus or --collector (the target’s service.namespace/service.name)',
    );
  if (!['md', 'json', 'html'].includes(v.format))
    throw new UsageError(`--format must be md, json or html, got ${JSON.stringify(v.format)}`);
  if (v['rate-window'] !== undefined && !durationMs(v['rate-window']))
    throw new UsageError(
      `--rate-window must be a Prometheus duration like 15s, 1m or 1m30s, got ${JSON.stringify(v['rate-window'])}`,
    );
  const gates: Partial<Record<GateKey, number>> = {};
  for (const g of v.gate ?? []) {
    try {
      const [k, pct] = parseGate(g);
      gates[k] = pct;
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const unevaluated = v['unevaluated-thresholds'];
  if (unevaluated !== 'warn' && unevaluated !== 'fail')
    throw new UsageError(
      `--unevaluated-thresholds must be warn or fail, got ${JSON.stringify(unevaluated)}`,
    );
  const fromMs = time('from', v.from);
  const toMs = time('to', v.to);
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs)
    throw new UsageError('--from must be before --to');
  return {
    file: parsed.positionals[0] as string,
    ...(v.prometheus ? { prometheus: v.prometheus } : {}),
    ...(v.collector ? { collector: v.collector } : {}),
    ...(v.job ? { job: v.job } : {}),
    ...(v.instance ? { instance: v.instance } : {}),
    ...(v['rate-window'] ? { rateWindow: v['rate-window'] } : {}),
    ...(fromMs !== undefined ? { fromMs } : {}),
    ...(toMs !== undefined ? { toMs } : {}),
    format: v.format as OutputFormat,
    ...(v.md ? { md: v.md } : {}),
    ...(v.json ? { json: v.json } : {}),
    ...(v.html ? { html: v.html } : {}),
    ...(v['latency-metric'] ? { latencyMetric: v['latency-metric'] } : {}),
    ...(v.baseline ? { baseline: v.baseline } : {}),
    gates,
    failOnThresholds: v['fail-on-thresholds'],
    unevaluatedThresholds: unevaluated,
    maxInputBytes: bytes('max-input-bytes', v['max-input-bytes'], DEFAULT_LIMITS.maxInputBytes),
    maxLineBytes: bytes('max-line-bytes', v['max-line-bytes'], DEFAULT_LIMITS.maxLineBytes),
    progress: !v['no-progress'],
    help: false,
  };
}
