/**
 * k6 writes RFC 3339 times with nanoseconds and a zone offset
 * (`2023-09-08T21:03:10.549397854+02:00`); Date.parse keeps milliseconds
 * only, so the fraction is added back here (to the microsecond a double holds).
 */
const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i;

// k6 stamps every metric of one request with the same time, and a second
// with many: remembering the last text and the last whole second saves most
// of the parsing on large files.
let lastText = '';
let lastValue = NaN;
let lastSecond = '';
let lastSecondMs = NaN;

/** Milliseconds since the epoch, or NaN when `text` is not an RFC 3339 time. */
export function parseRfc3339(text: string): number {
  if (text === lastText) return lastValue;
  const m = RFC3339.exec(text);
  if (!m) return NaN;
  const second = `${m[1]}${m[3]}`;
  if (second !== lastSecond) {
    lastSecond = second;
    lastSecondMs = Date.parse(second);
  }
  const fraction = m[2] ? Number(`0.${m[2]}`) * 1000 : 0;
  lastText = text;
  lastValue = lastSecondMs + fraction;
  return lastValue;
}

/**
 * A CSV timestamp: k6 writes Unix seconds by default and, with
 * `timeFormat`, milli/micro/nanoseconds or RFC 3339. Magnitude tells which.
 */
export function parseCsvTime(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    if (n < 1e11) return n * 1000; // seconds (until year 5138)
    if (n < 1e14) return n; // milliseconds
    if (n < 1e17) return n / 1000; // microseconds
    return n / 1e6; // nanoseconds
  }
  return parseRfc3339(text);
}

/** A command-line time: RFC 3339, or Unix seconds. */
export function parseTimeArg(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const t = parseRfc3339(text);
  return Number.isNaN(t) ? Date.parse(text) : t;
}
