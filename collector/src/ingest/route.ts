/**
 * One OTLP/HTTP ingest route with everything the protocol asks around it:
 * admission (429/503 + Retry-After), bearer auth (401), content negotiation
 * (415), the decompressed-size limit (413), error bodies as google.rpc.Status
 * and responses with partial_success. /v1/metrics and /v1/logs both use it.
 *
 * Call it inside your own plugin: it replaces that (encapsulated) context's
 * content-type parsers and error handler.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OtlpEncoding } from '../otlp/wire.js';
import { OtlpDecodeError, OtlpTooLarge } from '../otlp/errors.js';
import type { ExportResult } from '../self-metric-names.js';
import type { IngestGate } from './gate.js';
import type { TokenSet } from './auth.js';
import { IngestError, INGEST_ERRORS } from './errors.js';
import { compressionOf, encodingOf } from './content-type.js';
import { discardRest, readBody, tooLarge, type BodyDeadline } from './body.js';
import { errorResponse, exportResponse, type PartialSuccess } from './response.js';

export interface IngestSettings {
  readonly gate: IngestGate;
  readonly auth: TokenSet;
  /** Limit on the decompressed body. */
  readonly maxBodyBytes: number;
  /** How long a body may take to arrive (slowloris); undefined = no limit. */
  readonly deadline?: BodyDeadline;
}

export interface OtlpRoute {
  readonly url: string;
  /** JSON name of partial_success's count: rejectedDataPoints, rejectedLogRecords. */
  readonly rejectedField: string;
  /**
   * Decode and store a body; throw (or reject with) OtlpDecodeError when it
   * cannot be read at all. A promise when the body is stored in slices.
   */
  handle(
    body: Buffer,
    encoding: OtlpEncoding,
    request: FastifyRequest,
  ): PartialSuccess | Promise<PartialSuccess>;
  /** Told the outcome of every request (for exports_total). */
  onResult?(result: ExportResult): void;
}

function send(
  reply: FastifyReply,
  r: { contentType: string; body: Buffer | string },
): FastifyReply {
  return reply.header('content-type', r.contentType).send(r.body);
}

function asIngestError(err: FastifyError | Error): IngestError {
  if (err instanceof IngestError) return err;
  if (err instanceof OtlpDecodeError) return new IngestError('LOOPSCOPE_MALFORMED', err.message);
  if (err instanceof OtlpTooLarge) return new IngestError('LOOPSCOPE_TOO_LARGE', err.message);
  const status = (err as FastifyError).statusCode ?? 500;
  if (status === 413) return new IngestError('LOOPSCOPE_TOO_LARGE', err.message);
  if (status >= 400 && status < 500) return new IngestError('LOOPSCOPE_MALFORMED', err.message);
  return new IngestError('LOOPSCOPE_INTERNAL', 'internal error while ingesting the export');
}

export function registerOtlpRoute(
  app: FastifyInstance,
  settings: IngestSettings,
  route: OtlpRoute,
): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    readBody(
      payload,
      compressionOf(request.headers['content-encoding']),
      settings.maxBodyBytes,
      settings.deadline,
    ).then(
      (body) => done(null, body),
      (err: Error) => done(err, undefined),
    );
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const err = asIngestError(error);
    if (err.code === 'LOOPSCOPE_INTERNAL') request.log.error({ err: error }, 'ingest failed');
    else request.log.debug({ code: err.code }, `export refused: ${err.message}`);
    route.onResult?.(INGEST_ERRORS[err.code].result);
    let encoding: OtlpEncoding | undefined;
    try {
      encoding = encodingOf(request.headers['content-type']);
    } catch {
      encoding = undefined;
    }
    if (err.code === 'LOOPSCOPE_TIMEOUT') {
      // A client that slow gets its answer and loses the connection: reading
      // the rest of its body would hold the socket for as long as it likes.
      void reply.header('connection', 'close');
      reply.raw.once('finish', () => request.raw.socket?.destroy());
    } else {
      discardRest(request.raw, 4 * settings.maxBodyBytes);
    }
    if (err.retryAfterSeconds !== undefined) {
      reply.header('retry-after', String(err.retryAfterSeconds));
    }
    return send(reply.code(err.statusCode), errorResponse(encoding, err));
  });

  app.post(route.url, {
    onRequest: (request, reply, done) => {
      try {
        const release = settings.gate.enter();
        reply.raw.once('close', release);
        if (!settings.auth.check(request.headers.authorization)) {
          throw new IngestError(
            'LOOPSCOPE_UNAUTHORIZED',
            request.headers.authorization
              ? 'the bearer token is not valid'
              : 'an Authorization: Bearer <token> header is required',
          );
        }
        encodingOf(request.headers['content-type']);
        compressionOf(request.headers['content-encoding']);
        const length = Number(request.headers['content-length'] ?? 0);
        if (length > settings.maxBodyBytes) throw tooLarge(settings.maxBodyBytes, 'the body');
        done();
      } catch (err) {
        done(err as Error);
      }
    },
    handler: (request, reply) => {
      const encoding = encodingOf(request.headers['content-type']);
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const answer = (result: PartialSuccess): FastifyReply => {
        route.onResult?.(result.rejected > 0 ? 'partial' : 'accepted');
        return send(reply, exportResponse(encoding, result, route.rejectedField));
      };
      const result = route.handle(body, encoding, request);
      return result instanceof Promise ? result.then(answer) : answer(result);
    },
  });
}
