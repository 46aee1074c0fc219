/**
 * k6 threshold expressions (`p(95)<500`, `rate<0.01`, `count<=0`,
 * `med <= 2`): parsed and evaluated against aggregates, for inputs that
 * carry the expressions but not k6's verdict (`--out json`).
 */

export interface ThresholdExpr {
  /** `avg`, `min`, `max`, `med`, `count`, `rate`, `value` or `p(N)`. */
  method: string;
  percentile?: number;
  op: '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';
  bound: number;
}

const EXPR =
  /^\s*(avg|min|max|med|count|rate|value|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;

export function parseThreshold(text: string): ThresholdExpr | undefined {
  const m = EXPR.exec(text);
  if (!m) return undefined;
  const [, rawMethod = '', pct, op, bound] = m;
  const method = pct !== undefined ? 'p' : rawMethod.toLowerCase();
  return {
    method,
    ...(pct !== undefined ? { percentile: Number(pct) } : {}),
    op: op as ThresholdExpr['op'],
    bound: Number(bound),
  };
}

export function compare(value: number, op: ThresholdExpr['op'], bound: number): boolean {
  switch (op) {
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
    case '==':
    case '===':
      return value === bound;
    case '!=':
      return value !== bound;
  }
}
