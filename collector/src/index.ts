export * from './names.js';
export * from './prometheus/name.js';
export type * from './otlp/model.js';
