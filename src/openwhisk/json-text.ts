/**
 * A JSON value kept as its text and parsed only when it is written out (`JSON.stringify` calls
 * {@link JsonText.toJSON}). An activation's result is kept so: parsed, a result of many small objects takes
 * some twenty times the bytes of its text (100 activations of 0.5 MB of `{}` objects held 1,039 MiB), while
 * the activations' bound counts the text.
 */
export class JsonText {
  constructor(
    /** The JSON text, valid. */
    readonly text: string,
  ) {}

  /** The value, parsed again (for `JSON.stringify`). */
  toJSON(): unknown {
    return JSON.parse(this.text) as unknown;
  }
}

/** The JSON text of a value, a {@link JsonText}'s own text as it is. */
export function jsonOf(value: unknown): string {
  return value instanceof JsonText ? value.text : JSON.stringify(value);
}
