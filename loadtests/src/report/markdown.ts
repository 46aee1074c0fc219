import type { Report } from '../analysis/report.js';
import { clock, ms } from './units.js';
import {
  BOTTLENECK_TITLE,
  baselineTable,
  nameTable,
  runTable,
  scenarioTable,
  serverTable,
  stacksTable,
  busyTable,
  thresholdTable,
  capacityTable,
  timelineTable,
  type Table,
} from './tables.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(t: Table): string {
  if (t.rows.length === 0) return '';
  const head = t.head.every((h) => h === '') ? ['', ''] : t.head;
  return [
    `## ${t.title}`,
    '',
    `| ${head.map(cell).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
  ].join('\n');
}

/** The report as Markdown: readable in a terminal, pasteable into a PR or a CI summary. */
export function renderMarkdown(r: Report): string {
  const v = r.analysis.verdict;
  const d = r.analysis.divergence;
  const parts = [
    `# loopscope-analyze: ${r.input.file}`,
    '',
    `**Verdict: ${BOTTLENECK_TITLE[v.bottleneck]}**. ${v.summary}`,
    '',
    ...v.evidence.map((e) => `- ${e}`),
    '',
  ];
  if (d)
    parts.push(
      `**Latency diverged at ${clock(d.t)} UTC**: p95 ${ms(d.latencyMs)} against a baseline of ${ms(d.baselineMs)} (limit ${ms(d.limitMs)}).`,
      '',
    );
  const baseline = baselineTable(r);
  if (baseline)
    parts.push(
      `**Baseline: ${r.baseline?.regressed ? 'REGRESSION' : 'no regression'}**`,
      '',
      table(baseline),
    );
  const capacity = capacityTable(r);
  if (capacity) parts.push(table(capacity));
  parts.push(
    table(runTable(r)),
    table(thresholdTable(r)),
    table(scenarioTable(r)),
    table(nameTable(r)),
  );
  if (r.server) parts.push(table(serverTable(r)));
  if (r.blockingStacks.length > 0) parts.push(table(stacksTable(r)));
  const busy = busyTable(r);
  if (busy) parts.push(table(busy));
  if (r.timeline.length > 0) parts.push(table(timelineTable(r)));
  if (r.warnings.length > 0) parts.push('## Warnings', '', ...r.warnings.map((w) => `- ${w}`), '');
  return (
    parts
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}
