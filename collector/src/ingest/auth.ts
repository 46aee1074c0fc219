/**
 * Bearer-token check for ingest. Tokens and the presented value are hashed
 * first, so every comparison is timingSafeEqual over equal-length digests:
 * neither a token's content nor its length leaks through timing, and every
 * configured token is compared on every request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

export class TokenSet {
  private readonly digests: readonly Buffer[];

  constructor(tokens: readonly string[]) {
    this.digests = tokens.map(digest);
  }

  /** False when no token is configured: ingest is open. */
  get enabled(): boolean {
    return this.digests.length > 0;
  }

  /** Checks an `Authorization: Bearer <token>` header. */
  check(authorization: string | undefined): boolean {
    if (!this.enabled) return true;
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    const given = digest(match?.[1] ?? '');
    let ok = false;
    for (const d of this.digests) {
      const equal = timingSafeEqual(given, d);
      ok ||= equal;
    }
    return ok && match !== null;
  }
}
