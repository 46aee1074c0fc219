import { SourceError } from '../errors.js';

/** GET a JSON document; network and HTTP failures become one clear SourceError. */
export async function getJson<T>(
  what: string,
  url: string,
  timeoutMs = 30_000,
): Promise<{ status: number; body: T }> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why =
      e.cause?.code ??
      (e.name === 'TimeoutError' ? `no answer in ${timeoutMs / 1000} s` : e.message);
    throw new SourceError(`cannot reach ${what} at ${new URL(url).origin}: ${why}`);
  }
  const text = await res.text();
  let body: T;
  try {
    body = JSON.parse(text) as T;
  } catch {
    throw new SourceError(
      `${what} answered ${res.status} with something that is not JSON: ${text.slice(0, 200)}`,
    );
  }
  return { status: res.status, body };
}

/** Base URL without a trailing slash; rejects what is not http(s). */
export function baseUrl(what: string, raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new SourceError(`${what} URL is not a URL: ${JSON.stringify(raw)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new SourceError(`${what} URL must be http or https: ${JSON.stringify(raw)}`);
  return u.href.replace(/\/+$/, '');
}

/**
 * Whether an answer's field is a list. Not a type guard on purpose: Array.isArray
 * narrows a readonly array to any[], which would erase the API's types.
 */
export const isList = (x: unknown): boolean => Array.isArray(x);
