import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSockets } from '../../src/apps/sockets.js';

const tcpSockets = (): number =>
  process.getActiveResourcesInfo().filter((t) => t === 'TCPSocketWrap').length;

test('openSockets holds the asked number of sockets open until closed', async () => {
  const before = tcpSockets();
  const sockets = await openSockets(400);
  try {
    assert.equal(tcpSockets() - before, 400);
  } finally {
    await sockets.close();
  }
  await new Promise((r) => setImmediate(r));
  assert.equal(tcpSockets(), before);
  await assert.rejects(openSockets(3), /even/);
});
