import type { MetricDecl, Sample } from './model.js';

/** Where the streaming readers deliver what they read, one record at a time. */
export interface SampleSink {
  declare(decl: MetricDecl): void;
  sample(s: Sample): void;
}

/** Called now and then while a file streams, for the progress bar. */
export type ProgressFn = (bytesRead: number, totalBytes: number) => void;
