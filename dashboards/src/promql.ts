/**
 * PromQL builders shared by the dashboards, the rules and the collector's
 * `--query-url` reader: defined once in the collector (which the dashboards
 * already depend on), re-exported here for the generators.
 */
export { eq, quantile, sel, sumRate, utilization } from '@loopscope/collector/promql';
