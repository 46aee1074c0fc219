/**
 * Benchmark 5's load generator (its own process, pinned by the harness):
 * autocannon sending agent-shaped exports to the loopscope collector
 * (POST /v1/metrics, protobuf) or the same data as Prometheus text to
 * Pushgateway (PUT /metrics/job/<job>/instance/<id>). Senders are taken
 * round-robin from [first, first + senders); each collector export carries
 * a newer time than the sender's previous one. argv[2] is a JSON LoadSpec.
 */
import { readFileSync } from 'node:fs';
import { RESULT, send } from '../apps/message.js';
import { fire, type CannonResult } from '../load/cannon.js';
import { exportOf, fromJson, instanceId, JOB } from './template.js';

export interface LoadSpec {
  readonly target: 'collector' | 'pushgateway';
  readonly url: string;
  readonly templateFile: string;
  /** Pushgateway body. */
  readonly textFile: string;
  readonly first: number;
  readonly senders: number;
  readonly connections: number;
  /** Seconds; with `amount`, an upper bound. */
  readonly durationS: number;
  /** Stop after this many requests. */
  readonly amount?: number;
  /** Requests per second over all connections (open-ish loop). */
  readonly rate?: number;
}

export interface IngestResult extends CannonResult {
  readonly loadCpuMsPerS: number;
}

const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec;
const template = fromJson(readFileSync(spec.templateFile, 'utf8'));
const text = readFileSync(spec.textFile);
let next = 0;
// 1 ms steps from now: every sender's exports are newer than its previous ones and than the template.
let timeNs = BigInt(Date.now()) * 1_000_000n;

function request(req: {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}) {
  const sender = spec.first + (next++ % spec.senders);
  if (spec.target === 'collector') {
    timeNs += 1_000_000n;
    req.method = 'POST';
    req.path = '/v1/metrics';
    req.headers = { 'content-type': 'application/x-protobuf' };
    req.body = exportOf(template, sender, timeNs);
  } else {
    req.method = 'PUT';
    req.path = `/metrics/job/${JOB}/instance/${instanceId(sender)}`;
    req.headers = { 'content-type': 'text/plain; version=0.0.4' };
    req.body = text;
  }
  return req;
}

const cpu0 = process.cpuUsage();
const result = await fire({
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationS,
  ...(spec.amount !== undefined && { maxOverallRequests: spec.amount }),
  ...(spec.rate !== undefined && { overallRate: spec.rate }),
  timeout: 30,
  requests: [{ setupRequest: request as never }],
});
const cpu = process.cpuUsage(cpu0);
// The generator's own CPU per second: near 1000 it, not the server, would be the limit.
const loadCpuMsPerS = (cpu.user + cpu.system) / 1000 / result.durationS;
send(RESULT, { ...result, loadCpuMsPerS } satisfies IngestResult);
