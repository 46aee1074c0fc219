// Types of columns.js for TypeScript importers (`@loopscope/collector/ui-columns`).
export declare const COLUMN: {
  readonly p50: 'p50';
  readonly p99: 'p99';
  readonly max: 'max';
  readonly utilization: 'utilization';
  readonly total: 'total';
  readonly used: 'used';
  readonly limit: 'limit';
  readonly cpuWait: 'run-queue wait';
  readonly throttled: 'throttled';
  readonly count: 'count';
};
