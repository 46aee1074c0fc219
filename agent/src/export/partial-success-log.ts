/**
 * What the agent says when a collector answers an export with
 * `partial_success` (it accepted the request but rejected some of its
 * points, e.g. a name another sender registered with another type): one
 * warning per kind of rejection, so a collector that rejects the same
 * points on every export (every few seconds, for the process's lifetime)
 * cannot flood the app's logs. A kind is the message with its numbers
 * blanked out ("rejected 3 points" and "rejected 5 points" are one kind).
 * log.ts redacts every message; this never throws.
 */
import { log } from '../log.js';
import type { ExportMetricsResponse } from './otlp-response.js';

/** Distinct kinds remembered; beyond it, one last message says further ones are not logged. */
export const MAX_KINDS = 64;
/** Longest message quoted, characters (a collector chooses its length, not us). */
export const MAX_MESSAGE_CHARS = 500;

const kinds = new Set<string>();

const kindOf = (message: string): string => message.replace(/\d+(\.\d+)?/g, '#');

export function logPartialSuccess(response: ExportMetricsResponse, url: string): void {
  try {
    const partial = response.partialSuccess;
    if (!partial) return;
    const rejected = Number(partial.rejectedDataPoints ?? 0) || 0;
    const raw = (partial.errorMessage ?? '').replace(/[\r\n]+/g, ' ').trim();
    // An empty partial_success is a plain success (the OTLP specification).
    if (rejected === 0 && raw === '') return;
    const kind = kindOf(raw);
    if (kinds.has(kind)) return;
    if (kinds.size >= MAX_KINDS) {
      log.once(
        'partial-success.too-many',
        'warn',
        `the collector at ${url} keeps rejecting points for new reasons; further kinds are not logged`,
      );
      return;
    }
    kinds.add(kind);
    const message =
      raw.length > MAX_MESSAGE_CHARS
        ? `${raw.slice(0, MAX_MESSAGE_CHARS)}…`
        : raw || '(no message)';
    log.warn(
      `the collector at ${url} rejected ${rejected} data point(s) of an export: ${message} ` +
        '(logged once per kind of rejection)',
    );
  } catch {
    // A log line is never worth an exception in the host.
  }
}
