import { parse as parseTolerant, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { InputError } from '../errors.js';

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * JSON.parse, with an error that names the line and column. Node 20's
 * messages often carry no position, so on failure the text is scanned again
 * with jsonc-parser (strict JSON settings) to locate the first problem.
 */
export function parseJsonDocument(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    if (!first) throw new InputError(file, undefined, `malformed JSON (${(err as Error).message})`);
    const { line, column } = lineAndColumn(text, first.offset);
    const atEnd = first.offset >= text.trimEnd().length;
    const what = atEnd
      ? 'truncated: the JSON document ends before it is complete'
      : `malformed JSON at column ${column}: ${printParseErrorCode(first.error)}`;
    throw new InputError(file, line, what);
  }
}
