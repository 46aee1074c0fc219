/**
 * The agent's one periodic timer. Every timer wake-up of an idle process
 * costs ~0.1-0.2 ms of CPU on small VMs, so all periodic samplers share this
 * one instead of each arming its own. Unref'd: it never keeps the app alive.
 */
import { performance } from 'node:perf_hooks';
import { addSelfTime } from './self-time.js';

export type TickListener = (now: number) => void;

export class Ticker {
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: TickListener[] = [];

  constructor(readonly periodMs: number) {}

  /** Listeners must not throw; wrap them before adding. */
  add(listener: TickListener): void {
    this.listeners.push(listener);
  }

  get size(): number {
    return this.listeners.length;
  }

  start(): void {
    if (this.timer || this.listeners.length === 0) return;
    this.timer = setInterval(() => {
      const now = performance.now();
      for (const listener of this.listeners) listener(now);
      addSelfTime(performance.now() - now);
    }, this.periodMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
