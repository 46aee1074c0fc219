/** Rule groups -> Prometheus rule-file YAML. */
import { stringify } from 'yaml';
import type { RuleGroup } from './types.js';

export function ruleFile(header: string, ...groups: RuleGroup<object>[]): string {
  // lineWidth 0: never fold a PromQL expression across lines.
  return `${header}${stringify({ groups }, { lineWidth: 0 })}`;
}
