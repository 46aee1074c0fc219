/**
 * Credentials for the read side: the UI, its API (`/api/v1/*`: stack frames
 * with file paths, host names, pids) and, with --read-auth-metrics,
 * `/metrics`. A read token is accepted as `Authorization: Bearer <token>`
 * (scripts) or as the password of HTTP Basic with any user name (browsers,
 * which then prompt once). Ingest (`/v1/*`) has its own tokens; health
 * checks stay open for orchestrators.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TokenSet } from '../ingest/auth.js';

export interface ReadAuthSettings {
  readonly tokens: readonly string[];
  /** Also protect /metrics (Prometheus then needs `authorization` in its scrape config). */
  readonly metrics: boolean;
}

const OPEN = /^\/(v1\/|healthz$|readyz$)/;

/** The token a Bearer or Basic header carries ('' when none). */
export function presentedToken(authorization: string | undefined): string {
  const header = authorization ?? '';
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (bearer) return bearer[1]!;
  const basic = /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(header);
  if (!basic) return '';
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? '' : decoded.slice(colon + 1);
}

/** An onRequest hook refusing read requests without a valid token; undefined when read auth is off. */
export function readAuthHook(
  settings: ReadAuthSettings,
): ((request: FastifyRequest, reply: FastifyReply, done: () => void) => void) | undefined {
  if (settings.tokens.length === 0) return undefined;
  const tokens = new TokenSet(settings.tokens);
  return (request, reply, done) => {
    const path = request.url.split('?')[0] ?? '';
    if (OPEN.test(path) || (path === '/metrics' && !settings.metrics)) return done();
    const token = presentedToken(request.headers.authorization);
    if (token !== '' && tokens.check(`Bearer ${token}`)) return done();
    void reply
      .code(401)
      .header('www-authenticate', 'Basic realm="loopscope", charset="UTF-8"')
      .header('cache-control', 'no-store')
      .send({
        statusCode: 401,
        error: 'Unauthorized',
        message: request.headers.authorization
          ? 'the read token is not valid'
          : 'this collector needs a read token: send Authorization: Bearer <token>, or HTTP Basic with the token as password',
      });
  };
}
