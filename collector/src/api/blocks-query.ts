/** Parameters of GET /api/v1/blocks, validated; a bad one is a BadParameter naming it. */
import { BadParameter, rejectUnknown, single } from './params.js';

export interface BlocksQuery {
  readonly job: string;
  /** Undefined: every instance of the job. */
  readonly instance: string | undefined;
  /** Most stacks and most recent events returned. */
  readonly limit: number;
}

const PARAMS = ['job', 'instance', 'limit'] as const;
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

export function parseBlocksQuery(query: Record<string, unknown>): BlocksQuery {
  rejectUnknown(query, PARAMS);
  const job = single(query, 'job');
  const instance = single(query, 'instance');
  const limit = single(query, 'limit');
  if (!job) throw new BadParameter('job', 'job is required');
  if (instance === '') throw new BadParameter('instance', 'instance must not be empty when given');
  let n = DEFAULT_LIMIT;
  if (limit !== undefined) {
    n = Number(limit);
    if (!/^\d+$/.test(limit) || n < 1 || n > MAX_LIMIT) {
      throw new BadParameter(
        'limit',
        `limit must be a whole number from 1 to ${MAX_LIMIT}, got ${JSON.stringify(limit)}`,
      );
    }
  }
  return { job, instance, limit: n };
}
