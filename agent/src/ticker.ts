/**
 * The agent's one periodic timer. Every timer wake-up of an idle process
 * costs ~0.1-0.2 ms of CPU on small VMs, so all periodic samplers share this
 * one instead of each arming its own. Unref'd: it never keeps the app alive.
 * Each tick runs the loop monitor first (heartbeat, stall sample and its
 * consumers), then the samplers' own periodic work.
 */
import { performance } from 'node:perf_hooks';
import type { LoopMonitor } from './loop/loop-monitor.js';
import { addSelfTime } from './self-time.js';

export type TickListener = (now: number) => void;

export class Ticker {
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: TickListener[] = [];

  constructor(readonly loop: LoopMonitor) {}

  get periodMs(): number {
    return this.loop.periodMs;
  }

  /** Listeners must not throw; wrap them before adding. */
  add(listener: TickListener): void {
    this.listeners.push(listener);
  }

  get size(): number {
    return this.listeners.length + this.loop.size;
  }

  start(): void {
    if (this.timer || this.size === 0) return;
    this.timer = setInterval(() => {
      const now = performance.now();
      this.loop.tick(now);
      for (const listener of this.listeners) listener(now);
      addSelfTime(performance.now() - now);
    }, this.periodMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.loop.stop();
  }
}
