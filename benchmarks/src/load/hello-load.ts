/**
 * Benchmark 3's load generator (its own process, pinned by the harness to
 * the core the server is not on): a warm-up run, then the measured run,
 * against the URL in argv[2]. Says when the measured run starts (so the
 * harness can read the server's CPU time), then prints one BENCH_RESULT line.
 */
import { MEASURING, RESULT, send } from '../apps/message.js';
import { fire } from './cannon.js';

const [url, warmupS, durationS, connections] = process.argv.slice(2);
if (!url) throw new Error('usage: hello-load <url> <warmup s> <duration s> <connections>');
const common = { url, connections: Number(connections ?? 10) };
if (Number(warmupS) > 0) await fire({ ...common, duration: Number(warmupS) });
send(MEASURING, {});
send(RESULT, await fire({ ...common, duration: Number(durationS ?? 3) }));
