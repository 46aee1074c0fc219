/**
 * Preloaded (`--import`) into every child of the demo. The demo holds the
 * write end of each child's stdin; when the demo dies, even by SIGKILL, the
 * pipe closes and the child ends itself with SIGTERM, so its own shutdown
 * runs and no orphan is left serving on a port.
 */
const stdin = process.stdin;
if (!stdin.isTTY) {
  const end = () => process.kill(process.pid, 'SIGTERM');
  stdin.once('end', end);
  stdin.once('error', end);
  stdin.resume();
  // The pipe alone must not keep the child alive once it wants to exit.
  stdin.unref();
}
