/**
 * The store's naming rules for Prometheus outputs (/metrics, remote write):
 * OTLP metrics land in Prometheus families by the compatibility spec's
 * names; the agent's declared names and the collector's own metrics are
 * reserved; a series is identified by its rendered label text, since two
 * attribute sets that sanitize to the same labels are one Prometheus series
 * (keeping them apart would repeat a sample in the exposition).
 */
import { METRICS } from '@loopscope/agent/names';
import type { Attributes, DecodedMetric } from '../otlp/model.js';
import { COLLECTOR_METRICS } from '../self-metric-names.js';
import type { FamilyType, StoreNaming } from '../store/naming.js';
import { attributeLabels } from './labels.js';
import { prometheusName, promNameOf, sanitizeLabel } from './name.js';

/** Labels the collector sets; point attributes with these names become `exported_<name>`. */
export function reservedLabels(promoteResourceAttributes: readonly string[]): Set<string> {
  return new Set(['job', 'instance', 'le', 'agg', ...promoteResourceAttributes.map(sanitizeLabel)]);
}

/**
 * Names a family occupies: its samples and its OpenMetrics family name
 * (for a counter, the name without `_total`).
 */
function sampleNames(name: string, type: FamilyType): string[] {
  if (type === 'histogram') return [name, `${name}_bucket`, `${name}_sum`, `${name}_count`];
  return type === 'counter' ? [name, name.replace(/_total$/, '')] : [name];
}

const RESERVED = new Set<string>(
  Object.values(COLLECTOR_METRICS).flatMap((n) => [n, n.replace(/_total$/, '')]),
);

/** The agent's metric names with their kinds and units: reserved, whoever sends first. */
const AGENT_DECLARED = new Map<string, { readonly type: FamilyType; readonly unit: string }>(
  Object.values(METRICS).map((d) => [
    d.name,
    {
      type: d.kind === 'histogram' ? 'histogram' : d.kind === 'counter' ? 'counter' : 'gauge',
      unit: d.unit,
    },
  ]),
);

/** The Prometheus families of the agent's metrics: another OTLP name may not land in them. */
const AGENT_FAMILIES = new Map(Object.values(METRICS).map((d) => [promNameOf(d), d.name]));

/** Why a metric may not use an agent-declared name, or undefined when it matches the declaration. */
function misusesAgentName(m: DecodedMetric, type: FamilyType): string | undefined {
  const declared = AGENT_DECLARED.get(m.name);
  if (!declared || (declared.type === type && declared.unit === m.unit)) return undefined;
  return `${m.name} is reserved for the loopscope agent's ${declared.type} in ${JSON.stringify(declared.unit)}; this ${type} in ${JSON.stringify(m.unit)} was rejected (rename it)`;
}

export function prometheusNaming(promoteResourceAttributes: readonly string[]): StoreNaming {
  const reserved = reservedLabels(promoteResourceAttributes);
  return {
    familyName(m, type) {
      // A sender that exports an agent name first with another kind must not
      // take the family from every agent: it is refused, they keep it.
      const misuse = misusesAgentName(m, type);
      if (misuse) return { refused: misuse };
      const name = prometheusName(m.name, m.unit, type);
      const owner = AGENT_FAMILIES.get(name);
      if (owner !== undefined && owner !== m.name) {
        return {
          refused: `${name} is reserved for the loopscope agent's ${owner}; metric ${m.name} would land in it (rename it)`,
        };
      }
      if (sampleNames(name, type).some((s) => RESERVED.has(s)) || RESERVED.has(name)) {
        return { refused: `${name} is the name of one of the collector's own metrics` };
      }
      return name;
    },
    occupiedNames: sampleNames,
    seriesKey: (attributes: Attributes) => attributeLabels(attributes, reserved),
  };
}
