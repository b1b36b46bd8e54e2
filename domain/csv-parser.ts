// A streaming CSV parser for county registry exports (docs/IMPORT.md); domain/csv.ts holds the columns and rules.
// Pure: fed strings, returns records, so it is unit-tested on strings.

// CSV (RFC 4180): quoted fields with "" for a quote, commas and line breaks inside quotes, CRLF, LF or CR line
// ends, an optional UTF-8 byte-order mark. Fed in chunks of any size, so a field may span chunks.
//
// Why not csv-parse (tried, 7.0.3, issue 11): its streaming parser cannot keep what test/unit/csv.test.ts asks of
// a registry import. A quote inside an unquoted field (ab"c, as spreadsheets write it) needs `relax_quotes`, and
// with it "abc"def is accepted silently as the value `"abc"def` instead of being flagged; without it that row
// either stops the whole stream (CSV_INVALID_CLOSING_QUOTE) or, with `skip_records_with_error`, is skipped and the
// parser loses its place (the good row after it is swallowed into a CSV_QUOTE_NOT_CLOSED). A quote never closed
// comes back as an error at the end, without the record and its line; and records reach the stream's reader a
// write later, while the import and the tests take each chunk's records as it is pushed.

export type CsvProblem = 'TEXT_AFTER_QUOTE' | 'UNTERMINATED_QUOTE';

export interface CsvRecord {
  fields: string[];
  /** Set when the record's quoting was malformed; its fields are then a best guess. */
  problem: CsvProblem | null;
}

export const MAX_FIELD_CHARS = 64 * 1024;

const COMMA = 0x2c;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const BOM = 0xfeff;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** Inside a quoted field, just after a quote: either the first half of "" or the closing quote. */
const QUOTED_QUOTE = 3;

export class CsvParser {
  private fields: string[] = [];
  private field = '';
  private state = FIELD_START;
  private problem: CsvProblem | null = null;
  /** The last chunk ended on a CR: an LF starting the next chunk belongs to that line end. */
  private skipLf = false;
  private started = false;
  private tooLong = false;

  constructor(private readonly maxFieldChars = MAX_FIELD_CHARS) {}

  /**
   * A field grew past the limit, almost always because a quote is never closed. There is no telling where the next
   * record starts, so the parser stops: push and end return nothing more.
   */
  get overflowed(): boolean {
    return this.tooLong;
  }

  /** Parses a chunk and returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.tooLong) return out;
    const n = chunk.length;
    let i = 0;
    if (!this.started && n > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === BOM) i = 1;
    }
    if (this.skipLf && i < n) {
      this.skipLf = false;
      if (chunk.charCodeAt(i) === LF) i++;
    }
    while (i < n) {
      if (this.state === QUOTED) {
        const q = chunk.indexOf('"', i);
        if (q === -1) {
          this.append(chunk, i, n);
          break;
        }
        if (!this.append(chunk, i, q)) break;
        i = q + 1;
        this.state = QUOTED_QUOTE;
        continue;
      }
      const c = chunk.charCodeAt(i);
      const delimiter = c === COMMA || c === LF || c === CR;
      if (this.state === QUOTED_QUOTE && !delimiter) {
        if (c === QUOTE) {
          this.field += '"';
          this.state = QUOTED;
          i++;
        } else {
          // "abc"def: keep the text, but the row is rejected as malformed.
          this.problem ??= 'TEXT_AFTER_QUOTE';
          this.state = UNQUOTED;
        }
        continue;
      }
      if (this.state === FIELD_START && !delimiter) {
        if (c === QUOTE) {
          this.state = QUOTED;
          i++;
          continue;
        }
        this.state = UNQUOTED;
      }
      if (this.state === UNQUOTED) {
        // A quote inside an unquoted field is taken literally, as spreadsheets do.
        let j = i;
        while (j < n) {
          const d = chunk.charCodeAt(j);
          if (d === COMMA || d === LF || d === CR) break;
          j++;
        }
        if (!this.append(chunk, i, j)) break;
        i = j;
        if (i === n) break;
      }
      // chunk[i] is a delimiter that ends the field (and, unless a comma, the record).
      const d = chunk.charCodeAt(i++);
      this.fields.push(this.field);
      this.field = '';
      this.state = FIELD_START;
      if (d !== COMMA) {
        out.push({ fields: this.fields, problem: this.problem });
        this.fields = [];
        this.problem = null;
        if (d === CR) {
          if (i === n) this.skipLf = true;
          else if (chunk.charCodeAt(i) === LF) i++;
        }
      }
    }
    return out;
  }

  /** Call once after the last chunk: returns the last record when the input did not end with a line break. */
  end(): CsvRecord[] {
    if (this.tooLong || (this.state === FIELD_START && this.fields.length === 0)) return [];
    if (this.state === QUOTED) this.problem = 'UNTERMINATED_QUOTE';
    this.fields.push(this.field);
    const record = { fields: this.fields, problem: this.problem };
    this.fields = [];
    this.field = '';
    this.problem = null;
    this.state = FIELD_START;
    return [record];
  }

  /** Adds chunk[from, to) to the field; false when that makes it too long (the parser has then stopped). */
  private append(chunk: string, from: number, to: number): boolean {
    if (to > from) this.field += chunk.slice(from, to);
    if (this.field.length <= this.maxFieldChars) return true;
    this.tooLong = true;
    this.field = '';
    this.fields = [];
    return false;
  }
}

/** Empty lines and rows of empty cells (spreadsheets export those) are skipped. */
export function isBlankRecord(fields: readonly string[]): boolean {
  for (const f of fields) if (f.trim() !== '') return false;
  return true;
}

/**
 * A copy of a string that does not share memory with the string it was cut from. V8 keeps a long substring as a
 * view into its parent (here a chunk of up to 1 MiB), so a key held for the whole import would keep its chunk,
 * and in the end the whole file, alive.
 */
export function detachString(value: string): string {
  return value.length < 13 ? value : (' ' + value).slice(1);
}
