/**
 * What the store needs to know of the output's naming rules, given to it
 * (StoreOptions.naming) rather than imported, so the store depends on no
 * output format: `prometheus/store-naming.ts` implements it for /metrics
 * and remote write.
 */
import type { Attributes, DecodedMetric } from '../otlp/model.js';

/** How a family's values behave: monotonic counter, gauge, or histogram. */
export type FamilyType = 'histogram' | 'gauge' | 'counter';

export interface StoreNaming {
  /** The family a metric of this type lands in, or a message saying why it may not land anywhere. */
  familyName(metric: DecodedMetric, type: FamilyType): string | { readonly refused: string };
  /** Every name a family occupies (its own and its samples'): no other family may take one. */
  occupiedNames(name: string, type: FamilyType): readonly string[];
  /**
   * A point's series within its sender and family. Attribute sets with the
   * same key are one series: the output could not tell them apart.
   */
  seriesKey(attributes: Attributes): string;
}
