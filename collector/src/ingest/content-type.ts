/** Content-Type and Content-Encoding negotiation for OTLP/HTTP. */
import type { OtlpEncoding } from '../otlp/wire.js';
import { IngestError } from './errors.js';

/** The OTLP encoding a Content-Type names (parameters such as charset are ignored). */
export function encodingOf(contentType: string | undefined): OtlpEncoding {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === 'application/x-protobuf' || media === 'application/protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  throw new IngestError(
    'LOOPSCOPE_UNSUPPORTED_MEDIA_TYPE',
    `unsupported Content-Type ${media === '' ? '(none)' : JSON.stringify(media)}: send application/x-protobuf or application/json`,
  );
}

export type BodyCompression = 'none' | 'gzip' | 'deflate';

export function compressionOf(contentEncoding: string | undefined): BodyCompression {
  const enc = (contentEncoding ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return 'none';
  if (enc === 'gzip' || enc === 'x-gzip') return 'gzip';
  if (enc === 'deflate') return 'deflate';
  throw new IngestError(
    'LOOPSCOPE_UNSUPPORTED_ENCODING',
    `unsupported Content-Encoding ${JSON.stringify(enc)}: send gzip, deflate or no encoding`,
  );
}
