import { quoted } from './quoted.js';

/** Longest lambda, container or processor name a peer may give, characters. */
export const MAX_NAME_LENGTH = 256;

/** Blanks of any kind, refused in lambda names. */
const BLANK = /\s/;

/** Whether `text` holds a control character: C0 (NUL included), DEL or C1. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/**
 * Why `name` is not a lambda name, or undefined if it is: 1 to 256 characters, no control character, no
 * blank (lambdas are keys of the forwarding tables, printed blank-separated). The problem reads after the
 * field's name: `lambda is empty`.
 */
export function lambdaNameProblem(name: string): string | undefined {
  return labelProblem(name) ?? (name === '' ? 'is empty' : undefined) ?? blankProblem(name);
}

/**
 * Why `text` is not a label (a container or processor name), or undefined if it is: at most 256
 * characters, no control character (blanks and the empty string are fine).
 */
export function labelProblem(text: string): string | undefined {
  if (text.length > MAX_NAME_LENGTH) {
    return `is longer than ${MAX_NAME_LENGTH} characters: ${quoted(text)}`;
  }
  if (hasControl(text)) return `has a control character: ${quoted(text)}`;
  return undefined;
}

function blankProblem(name: string): string | undefined {
  return BLANK.test(name) ? `has a blank: ${quoted(name)}` : undefined;
}
