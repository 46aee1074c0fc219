/** Parameters of GET /api/v1/blocks, validated; a bad one is a BadParameter naming it. */
import { BadParameter } from './series-query.js';

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
  const unknown = Object.keys(query).filter((k) => !(PARAMS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new BadParameter(
      unknown[0] ?? '',
      `unknown parameter ${unknown.join(', ')}; expected ${PARAMS.join(', ')}`,
    );
  }
  for (const name of PARAMS) {
    if (query[name] !== undefined && typeof query[name] !== 'string') {
      throw new BadParameter(name, `${name} must be given once`);
    }
  }
  const { job, instance, limit } = query as Partial<Record<(typeof PARAMS)[number], string>>;
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
