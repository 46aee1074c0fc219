/**
 * Zero-code entry: `node --import @loopscope/agent/register app.js` (or in
 * NODE_OPTIONS). Configured from the environment only. Worker threads
 * inherit `--import`; the agent samples the process's main loop only.
 */
import { isMainThread } from 'node:worker_threads';
import { startAgent } from './start.js';

if (isMainThread) void startAgent();
