// Readable units for every value the API returns in its base unit.

const dash = '–';

/** Seconds -> "0.42 ms", "12.3 ms", "184 ms", "1.20 s". */
export function ms(seconds) {
  if (seconds == null || Number.isNaN(seconds)) return dash;
  const v = seconds * 1000;
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  if (v >= 100) return `${v.toFixed(0)} ms`;
  if (v >= 10) return `${v.toFixed(1)} ms`;
  return `${v.toFixed(2)} ms`;
}

/** Seconds of stall per second -> "12.3 ms/s". */
export function msPerS(rate) {
  return rate == null || Number.isNaN(rate) ? dash : `${ms(rate)}/s`;
}

/** CPU seconds per second -> "1.25 CPU". */
export function cpus(n) {
  if (n == null || Number.isNaN(n)) return dash;
  return `${n >= 10 ? n.toFixed(0) : n.toFixed(2)} CPU`;
}

/** Ratio 0..1 -> "42 %". */
export function pct(ratio) {
  if (ratio == null || Number.isNaN(ratio)) return dash;
  const v = ratio * 100;
  return `${v >= 10 || v === 0 ? v.toFixed(0) : v.toFixed(1)} %`;
}

/** Bytes -> "84.2 MB". */
export function bytes(b) {
  if (b == null || Number.isNaN(b)) return dash;
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = b;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i += 1;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** Counts -> "1,234"; fractional counts keep one decimal. */
export function count(n) {
  if (n == null || Number.isNaN(n)) return dash;
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(1);
}

/** Milliseconds of age -> "now", "12 s ago", "3 min ago". */
export function ago(ageMs) {
  if (ageMs < 1500) return 'now';
  if (ageMs < 90_000) return `${Math.round(ageMs / 1000)} s ago`;
  return `${Math.round(ageMs / 60_000)} min ago`;
}

/** Severity of a loop delay, for colouring: under 20 ms fine, under 100 ms noticeable, above bad. */
export function severity(seconds) {
  if (seconds == null) return 'none';
  if (seconds < 0.02) return 'good';
  if (seconds < 0.1) return 'warn';
  return 'bad';
}
