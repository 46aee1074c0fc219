/**
 * Body bytes -> the plain object tree decode.ts walks, for each OTLP/HTTP
 * encoding. Errors say which encoding failed and why.
 */
import type protobuf from 'protobufjs';
import { OtlpDecodeError } from './errors.js';

export type OtlpEncoding = 'protobuf' | 'json';

/** Decode with a protobufjs message type; unknown fields are skipped, as OTLP requires. */
export function parseProtobuf(type: protobuf.Type, body: Uint8Array): unknown {
  try {
    return type.decode(body);
  } catch (err) {
    throw new OtlpDecodeError(
      `invalid protobuf ${type.name} (${body.byteLength} bytes): ${(err as Error).message}`,
    );
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJson(body: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new OtlpDecodeError('invalid JSON: the body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new OtlpDecodeError(`invalid JSON (${body.byteLength} bytes): ${(err as Error).message}`);
  }
}
