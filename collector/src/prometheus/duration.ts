/**
 * Prometheus durations, parsed in one place for every package (the
 * collector's flags, loopscope-analyze's --rate-window and the Prometheus
 * source, the dashboards' options): `1h30m`, `90s`, `500ms`, `2d`, `0`, as
 * Prometheus reads them (units y, w, d, h, m, s, ms, largest first, each at
 * most once). With `decimal`, one decimal value with one unit (`1.5m`) is
 * accepted too, as the collector's flags always did; not where the text goes
 * into Prometheus (rules), which would reject it.
 * Import it as `@loopscope/collector/prometheus-duration`.
 */

const UNIT_MS = {
  y: 365 * 24 * 3_600_000,
  w: 7 * 24 * 3_600_000,
  d: 24 * 3_600_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
} as const;

const PROMETHEUS =
  /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const DECIMAL = /^(\d+\.\d+)(y|w|d|h|m|s|ms)$/;

/** Milliseconds in a Prometheus duration, or undefined when `text` is not one. */
export function durationMs(text: string, opts: { decimal?: boolean } = {}): number | undefined {
  const t = text.trim();
  if (t === '0') return 0;
  const decimal = opts.decimal ? DECIMAL.exec(t) : null;
  if (decimal) return Math.round(Number(decimal[1]) * UNIT_MS[decimal[2] as keyof typeof UNIT_MS]);
  const m = t === '' ? null : PROMETHEUS.exec(t);
  if (!m) return undefined;
  const units = Object.values(UNIT_MS);
  return m.slice(1).reduce((ms, n, i) => ms + (n === undefined ? 0 : Number(n) * units[i]!), 0);
}
