/** `@loopscope/collector/promql`: the PromQL names and builders every package queries with. */
export * from './names.js';
export * from './builders.js';
