/**
 * CPU time of another process, read from outside: the sum over its threads
 * of the kernel's per-thread run time (/proc/<pid>/task/<tid>/schedstat,
 * nanoseconds). Reading it does not wake the process. Asking the process
 * itself (process.cpuUsage()) would: on an idle Node.js app that one
 * wake-up was enough to start V8's memory reducer, whose full GCs (~20 ms
 * of CPU) then landed inside the measured window.
 */
import { readdirSync, readFileSync } from 'node:fs';

export function cpuTimeNs(pid: number): bigint {
  let total = 0n;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ');
      total += BigInt(fields[0] ?? '0');
    } catch {
      // The thread ended between the listing and the read: its time is no longer counted anywhere.
    }
  }
  return total;
}
