/**
 * Points left out of an export, by reason, with the first few explanations.
 * The decoder and the store add to the same accumulator, so one
 * partial_success reports everything an export lost.
 */
import type { DropReason } from './self-metric-names.js';

/** How many messages are kept before "and N more". */
const MAX_MESSAGES = 10;

export class Rejections {
  readonly byReason: Partial<Record<DropReason, number>> = {};
  total = 0;
  readonly messages: string[] = [];
  /** Messages beyond MAX_MESSAGES, counted but not kept. */
  more = 0;

  /** Record `count` rejected points (0 for a warning) with one message. */
  add(reason: DropReason, count: number, message: string): void {
    if (count > 0) {
      this.byReason[reason] = (this.byReason[reason] ?? 0) + count;
      this.total += count;
    }
    if (this.messages.length < MAX_MESSAGES) this.messages.push(message);
    else this.more++;
  }

  /** One line for partial_success.error_message ('' when nothing to say). */
  summary(): string {
    const more = this.more > 0 ? `; and ${this.more} more` : '';
    return this.messages.join('; ') + more;
  }
}
