/**
 * Every PromQL expression the generated dashboards and rules contain, and the
 * Grafana-side substitutions needed to run them against Prometheus.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { parse } from 'yaml';

export interface Expr {
  /** Where it comes from, for failure messages. */
  readonly where: string;
  readonly expr: string;
}

interface PanelJson {
  title?: string;
  panels?: PanelJson[];
  targets?: { expr?: string; refId?: string }[];
}
export interface DashboardJson {
  title: string;
  panels?: PanelJson[];
  templating?: { list?: { name: string; type: string; query?: unknown }[] };
}

export function panelExprs(dashboard: DashboardJson): Expr[] {
  const out: Expr[] = [];
  const walk = (panels: PanelJson[] = []): void => {
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        if (t.expr !== undefined)
          out.push({ where: `${dashboard.title} / ${p.title} / ${t.refId}`, expr: t.expr });
      }
      walk(p.panels);
    }
  };
  walk(dashboard.panels);
  return out;
}

export interface LabelValuesQuery {
  readonly variable: string;
  readonly series: string;
  readonly label: string;
}

/** The `label_values(series, label)` queries of a dashboard's query variables, in order. */
export function variableQueries(dashboard: DashboardJson): LabelValuesQuery[] {
  return (dashboard.templating?.list ?? [])
    .filter((v) => v.type === 'query')
    .map((v) => {
      const m = /^label_values\((.+),\s*(\w+)\)$/.exec(String(v.query));
      if (!m?.[1] || !m[2])
        throw new Error(`variable ${v.name}: not a label_values query: ${String(v.query)}`);
      return { variable: v.name, series: m[1], label: m[2] };
    });
}

export function ruleExprs(fileName: string, yamlText: string): Expr[] {
  const doc = parse(yamlText) as {
    groups: { name: string; rules: { record?: string; alert?: string; expr: string }[] }[];
  };
  return doc.groups.flatMap((g) =>
    g.rules.map((r) => ({ where: `${fileName} / ${r.record ?? r.alert}`, expr: r.expr })),
  );
}

/** Grafana's variable substitution: `$name`/`${name}` from `vars`, `$__rate_interval` -> `rateInterval`. */
export function substitute(
  expr: string,
  vars: Record<string, string>,
  rateInterval = '1m',
): string {
  return expr
    .replaceAll('$__rate_interval', rateInterval)
    .replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a: string | undefined, b: string | undefined) => {
      const name = a ?? b ?? '';
      const value = vars[name];
      if (value === undefined) throw new Error(`no value for variable ${whole} in ${expr}`);
      return value;
    });
}

/** Syntax errors lezer-promql finds, as "at N: <text>" strings (empty when the expression parses). */
export function promqlErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError)
        errors.push(`at ${node.from}: ${JSON.stringify(expr.slice(node.from, node.from + 20))}`);
    },
  });
  return errors;
}

/** Metric names and label names an expression refers to. */
export function namesIn(expr: string): { metrics: string[]; labels: string[] } {
  const metrics: string[] = [];
  const labels: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      const text = expr.slice(node.from, node.to);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector')
        metrics.push(text);
      if (node.name === 'LabelName') labels.push(text);
    },
  });
  return { metrics, labels };
}
