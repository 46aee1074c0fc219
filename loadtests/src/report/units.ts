/** Number formatting shared by the verdict's evidence and every report. */

export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v >= 10_000) return `${(v / 1000).toFixed(1)} s`;
  if (v >= 100) return `${Math.round(v)} ms`;
  if (v >= 10) return `${v.toFixed(1)} ms`;
  return `${v.toFixed(2)} ms`;
}

export function pct(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return `${(v * 100).toFixed(digits)}%`;
}

export function num(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return Number.isInteger(v) ? String(v) : v.toFixed(digits);
}

export function signed(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '+∞' : '−∞';
  return `${v >= 0 ? '+' : ''}${v.toFixed(1)}%`;
}

/** ISO time without the date when `ref` is the same day, for compact tables. */
export function clock(t: number): string {
  return new Date(t).toISOString().slice(11, 19);
}

export function iso(t: number): string {
  return new Date(t).toISOString();
}
