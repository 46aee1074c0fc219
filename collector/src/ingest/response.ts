/**
 * OTLP/HTTP response bodies, in the encoding of the request: an
 * Export*ServiceResponse (with partial_success when points were rejected)
 * or, for errors, a google.rpc.Status.
 */
import type { OtlpEncoding } from '../otlp/wire.js';
import { ExportServiceResponse, RpcStatus } from '../otlp/proto.js';
import { INGEST_ERRORS, type IngestError } from './errors.js';

export interface ResponseBody {
  readonly contentType: string;
  readonly body: Buffer | string;
}

export const PROTOBUF = 'application/x-protobuf';
export const JSON_TYPE = 'application/json';

export interface PartialSuccess {
  /** Points (or log records) rejected. */
  readonly rejected: number;
  /** Why; '' when nothing to say. */
  readonly message: string;
}

/**
 * `rejectedField` is the JSON name of the count: rejectedDataPoints for
 * metrics, rejectedLogRecords for logs (the protobuf field number is the same).
 */
export function exportResponse(
  encoding: OtlpEncoding,
  result: PartialSuccess,
  rejectedField: string,
): ResponseBody {
  const partial = result.rejected > 0 || result.message !== '';
  if (encoding === 'json') {
    const body = partial
      ? {
          partialSuccess: {
            [rejectedField]: String(result.rejected),
            errorMessage: result.message,
          },
        }
      : {};
    return { contentType: JSON_TYPE, body: JSON.stringify(body) };
  }
  const message = ExportServiceResponse.create(
    partial ? { partialSuccess: { rejected: result.rejected, errorMessage: result.message } } : {},
  );
  return {
    contentType: PROTOBUF,
    body: Buffer.from(ExportServiceResponse.encode(message).finish()),
  };
}

/** A google.rpc.Status; JSON when the request's encoding is unknown. */
export function errorResponse(encoding: OtlpEncoding | undefined, err: IngestError): ResponseBody {
  const status = { code: INGEST_ERRORS[err.code].grpc, message: `${err.code}: ${err.message}` };
  if (encoding === 'protobuf') {
    return {
      contentType: PROTOBUF,
      body: Buffer.from(RpcStatus.encode(RpcStatus.create(status)).finish()),
    };
  }
  return { contentType: JSON_TYPE, body: JSON.stringify(status) };
}
