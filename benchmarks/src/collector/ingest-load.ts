/**
 * Benchmark 5's load generator (its own process, pinned by the harness):
 * autocannon (closed loop) or, with a rate, paced.ts (evenly spaced)
 * sending agent-shaped exports to the loopscope collector
 * (POST /v1/metrics, protobuf) or the same data as Prometheus text to
 * Pushgateway (PUT /metrics/job/<job>/instance/<id>). Senders are taken
 * round-robin from [first, first + senders); each collector export carries
 * a newer time than the sender's previous one. argv[2] is a JSON LoadSpec.
 */
import { readFileSync } from 'node:fs';
import { RESULT, send } from '../apps/message.js';
import { fire, type CannonResult } from '../load/cannon.js';
import { paced, type PacedRequest } from './paced.js';
import { exportOf, fromJson, instanceId, JOB } from './export-template.js';

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
  /** Requests per second, evenly spaced (open loop, paced.ts) instead of autocannon's closed loop. */
  readonly rate?: number;
}

export interface IngestResult extends CannonResult {
  readonly loadCpuMsPerS: number;
  /** Fixed-rate runs: the sender's own largest lag behind schedule, ms. */
  readonly maxLagMs?: number;
}

const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec;
const template = fromJson(readFileSync(spec.templateFile, 'utf8'));
const text = readFileSync(spec.textFile);
let next = 0;
// 1 ms steps from now: every sender's exports are newer than its previous ones and than the template.
let timeNs = BigInt(Date.now()) * 1_000_000n;

function nextRequest(): PacedRequest {
  const sender = spec.first + (next++ % spec.senders);
  if (spec.target === 'collector') {
    timeNs += 1_000_000n;
    return {
      method: 'POST',
      path: '/v1/metrics',
      headers: { 'content-type': 'application/x-protobuf' },
      body: exportOf(template, sender, timeNs),
    };
  }
  return {
    method: 'PUT',
    path: `/metrics/job/${JOB}/instance/${instanceId(sender)}`,
    headers: { 'content-type': 'text/plain; version=0.0.4' },
    body: text,
  };
}

const cpu0 = process.cpuUsage();
const result =
  spec.rate !== undefined
    ? await paced(spec.url, spec.rate, spec.durationS, nextRequest, spec.connections)
    : await fire({
        url: spec.url,
        connections: spec.connections,
        duration: spec.durationS,
        ...(spec.amount !== undefined && { maxOverallRequests: spec.amount }),
        timeout: 30,
        requests: [
          { setupRequest: ((req: PacedRequest) => Object.assign(req, nextRequest())) as never },
        ],
      });
const cpu = process.cpuUsage(cpu0);
// The generator's own CPU per second: near 1000 it, not the server, would be the limit.
const loadCpuMsPerS = (cpu.user + cpu.system) / 1000 / result.durationS;
send(RESULT, { ...result, loadCpuMsPerS } satisfies IngestResult);
