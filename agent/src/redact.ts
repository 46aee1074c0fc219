/**
 * Secrets never appear in a message: URL credentials (`user:password@`),
 * `Bearer`/`Basic` credentials, the values of `key=value` header lists, and
 * any value registered as a secret (the configured header values). Used by
 * the agent's own log and exported (`@loopscope/agent/redact`) for the
 * collector's messages, so both redact alike.
 */

const MASK = '***';
/** `scheme://userinfo@`: everything between `//` and `@` of an authority. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"']*@/gi;
const AUTH_SCHEME = /\b(Bearer|Basic|Token)(\s+|%20)[^\s,;"']+/gi;
/** Shorter values would mask ordinary words. */
const MIN_SECRET_LENGTH = 4;

/** A URL with its credentials masked (`http://***@host/`); any text is accepted. */
export function redactUrl(url: string): string {
  return url.replace(USERINFO, `$1${MASK}@`);
}

/** A `key=value,...` list with every value masked: the keys say which header was meant. */
export function redactKeyValues(list: string): string {
  return list
    .split(',')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? (part.trim() === '' ? part : MASK) : `${part.slice(0, eq)}=${MASK}`;
    })
    .join(',');
}

/** Free text with URL credentials, auth-scheme credentials and the given secrets masked. */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text.replace(USERINFO, `$1${MASK}@`).replace(AUTH_SCHEME, `$1$2${MASK}`);
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      out = out.split(form).join(MASK);
    }
  }
  return out;
}

/** Values masked in every message of this process (the agent's configured header values). */
const SECRETS = new Set<string>();

export function addSecrets(values: Iterable<string>): void {
  for (const v of values) if (v.length >= MIN_SECRET_LENGTH) SECRETS.add(v);
}

/** `redact` with the registered secrets. */
export function redactKnown(text: string): string {
  return redact(text, SECRETS);
}
