/**
 * A small RFC 4180 CSV parser: comma-separated fields, records ended by LF or CRLF, fields in double quotes
 * may hold commas, line breaks and doubled quotes (`""` for `"`); a leading UTF-8 byte-order mark is dropped.
 */

/** A CSV syntax error, with the 1-based line where it was found. */
export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`CSV line ${line}: ${message}`);
    this.name = 'CsvError';
  }
}

/**
 * Parses CSV text into records of fields (strings, unquoted). A final line break does not start an empty
 * record; an empty line in the middle is a record with one empty field. Throws a {@link CsvError} on a
 * quote left open or a closing quote followed by anything but a comma or a line break.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  if (pos >= n) return records;
  let record: string[] = [];
  for (;;) {
    let field: string;
    if (text.charCodeAt(pos) === 0x22) {
      const startLine = line;
      let value = '';
      let from = pos + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) throw new CsvError('quoted field not closed', startLine);
        value += text.slice(from, quote);
        if (text.charCodeAt(quote + 1) === 0x22) {
          value += '"';
          from = quote + 2;
          continue;
        }
        pos = quote + 1;
        break;
      }
      for (let i = value.indexOf('\n'); i >= 0; i = value.indexOf('\n', i + 1)) line++;
      field = value;
      const next = text.charCodeAt(pos);
      if (pos < n && next !== 0x2c && next !== 0x0a && !(next === 0x0d && text.charCodeAt(pos + 1) === 0x0a))
        throw new CsvError('unexpected character after a closing quote', line);
    } else {
      let end = pos;
      while (end < n) {
        const c = text.charCodeAt(end);
        if (c === 0x2c || c === 0x0a || (c === 0x0d && text.charCodeAt(end + 1) === 0x0a)) break;
        end++;
      }
      field = text.slice(pos, end);
      pos = end;
    }
    record.push(field);
    if (pos >= n) {
      records.push(record);
      return records;
    }
    const c = text.charCodeAt(pos);
    if (c === 0x2c) {
      pos++;
      continue;
    }
    pos += c === 0x0d ? 2 : 1;
    line++;
    records.push(record);
    record = [];
    if (pos >= n) return records;
  }
}

/** Parses CSV text with a header line into objects keyed by the header's names (same field count required). */
export function parseCsvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (header === undefined) return [];
  return rows.map((row, i) => {
    if (row.length !== header.length)
      throw new Error(`CSV record ${i + 1}: ${row.length} fields where the header has ${header.length}`);
    const out: Record<string, string> = {};
    header.forEach((name, j) => (out[name] = row[j] ?? ''));
    return out;
  });
}
