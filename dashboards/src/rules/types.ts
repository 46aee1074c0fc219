/** Prometheus rule file shapes, as written to YAML. */
import type { AlertName } from './alerts.js';

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

export interface AlertingRule {
  readonly alert: AlertName;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: 'warning' | 'critical' };
  readonly annotations: {
    readonly summary: string;
    readonly description: string;
    readonly runbook_url: string;
  };
}

export interface RuleGroup<R> {
  readonly name: string;
  readonly rules: readonly R[];
}
