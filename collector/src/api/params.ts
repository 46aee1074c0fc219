/**
 * Query-parameter checks shared by every GET under /api/v1: a parameter the
 * API cannot use is a BadParameter naming it, answered 400 by badRequest
 * (api/replies.ts). One definition, so /series and /blocks word their
 * refusals alike.
 */

/** A query parameter the API cannot use; the message names the parameter and what it expects. */
export class BadParameter extends Error {
  override readonly name = 'BadParameter';
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

/** Refuses any parameter not in `known`, naming what is expected. */
export function rejectUnknown(query: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(query).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new BadParameter(
      unknown[0] ?? '',
      `unknown parameter ${unknown.join(', ')}; expected ${known.join(', ')}`,
    );
  }
}

/** The parameter's one value (undefined when absent); given twice it is refused. */
export function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new BadParameter(name, `${name} must be given once`);
  return value;
}
