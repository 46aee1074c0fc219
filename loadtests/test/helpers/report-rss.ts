/** Loaded with --import into a CLI child: reports its peak resident memory on exit. */
process.on('exit', () => {
  process.stderr.write(`maxrss_kb=${process.resourceUsage().maxRSS}\n`);
});
