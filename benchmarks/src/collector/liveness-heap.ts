/**
 * The gateway's memory per sender without the noise of RSS: the collector's
 * own store and remote-write converter in this process (run with
 * --expose-gc), fed agent-shaped exports from `senders` senders, in gateway
 * mode (each export's series forgotten once converted: what stays is the
 * liveness table) or scrape mode (the store keeps every series). Prints the
 * V8 heap growth per sender between argv[3] and argv[4] senders.
 */
import { readFileSync } from 'node:fs';
import {
  Converter,
  decodeMetricsExport,
  MetricStore,
  DEFAULT_CONFIG,
  prometheusNaming,
} from '@loopscope/collector';
import { RESULT, send } from '../apps/message.js';
import { exportOf, fromJson } from './export-template.js';

const [templateFile, mode, small, large] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
const template = fromJson(readFileSync(templateFile, 'utf8'));
const gc = (globalThis as { gc?: () => void }).gc!;
const store = new MetricStore({
  expireAfterMs: DEFAULT_CONFIG.expireAfterMs,
  maxSeries: DEFAULT_CONFIG.maxSeries,
  maxCardinality: DEFAULT_CONFIG.maxCardinality,
  rollup: 'none',
  promoteResourceAttributes: DEFAULT_CONFIG.promoteResourceAttributes,
  naming: prometheusNaming(DEFAULT_CONFIG.promoteResourceAttributes),
});
const converter = new Converter(5000, DEFAULT_CONFIG.promoteResourceAttributes);
let timeNs = BigInt(Date.now()) * 1_000_000n;

function feed(from: number, to: number): void {
  for (let i = from; i < to; i++) {
    timeNs += 1_000_000n;
    const decoded = decodeMetricsExport(exportOf(template, i, timeNs), 'protobuf');
    const now = Date.now();
    store.ingest(decoded.resourceMetrics, now);
    for (const rm of decoded.resourceMetrics) {
      const sender = store.sender(rm.sender.job, rm.sender.instance)!;
      converter.convert(sender, now); // the chunks would go to the queues
      if (mode === 'gateway') store.releaseRestated(sender);
    }
  }
}

function heap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

feed(0, Number(small));
const h0 = heap();
feed(Number(small), Number(large));
const h1 = heap();
send(RESULT, {
  kibPerSender: (h1 - h0) / (Number(large) - Number(small)) / 1024,
  senders: converter.senderCount,
  storeSeries: store.seriesCount,
});
