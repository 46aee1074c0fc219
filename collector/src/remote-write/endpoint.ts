/**
 * One remote-write endpoint's address and credentials. Basic-auth
 * credentials in the URL become an Authorization header (fetch refuses URLs
 * with credentials) and never appear in logs or labels: `display` is the URL
 * without them, its query string and its fragment.
 */
export interface Endpoint {
  /** The URL requests go to (no credentials). */
  readonly url: string;
  /** Safe to log and to use as the `remote` label. */
  readonly display: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface EndpointSettings {
  /** Extra headers, e.g. X-Scope-OrgID for a Mimir tenant. */
  readonly headers: readonly (readonly [string, string])[];
  readonly bearerToken: string | undefined;
  readonly version: string;
}

export function endpointOf(raw: string, settings: EndpointSettings): Endpoint {
  const u = new URL(raw);
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  headers['content-type'] = 'application/x-protobuf';
  headers['content-encoding'] = 'snappy';
  headers['x-prometheus-remote-write-version'] = '0.1.0';
  headers['user-agent'] = `loopscope-collector/${settings.version}`;
  for (const [k, v] of settings.headers) headers[k.toLowerCase()] = v;
  if (u.username !== '' || u.password !== '') {
    const user = decodeURIComponent(u.username);
    const pass = decodeURIComponent(u.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    u.username = '';
    u.password = '';
  } else if (settings.bearerToken !== undefined) {
    headers.authorization = `Bearer ${settings.bearerToken}`;
  }
  return { url: u.toString(), display: redactUrl(raw), headers };
}

/** A URL without credentials, query string (tokens hide there too) or fragment. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Retry-After in milliseconds (seconds or an HTTP date), or undefined. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Tokens and credentials a database may echo back in its error text. */
export function redactText(text: string): string {
  return text
    .replace(/(bearer|basic)\s+[^\s"',]+/gi, '$1 [redacted]')
    .replace(/\/\/[^/@\s]+@/g, '//[redacted]@');
}
