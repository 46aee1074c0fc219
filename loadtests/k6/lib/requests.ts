import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL } from './config.ts';

/**
 * GET one endpoint of the target, tagged with a fixed `name` so the metrics
 * never carry one series per URL (query strings would explode cardinality).
 */
export function hit(name: string, path: string): void {
  const res = http.get(`${BASE_URL}${path}`, { tags: { name } });
  check(res, { [`${name} is 200`]: (r) => r.status === 200 });
}
