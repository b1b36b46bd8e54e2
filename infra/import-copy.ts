// The import's writes: rows in PostgreSQL's COPY text format, sent with the COPY protocol, under time-ordered ids.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

// Each batch goes in with the COPY protocol, one COPY per table, in PostgreSQL's text format: the server's fastest
// path for many rows (multi-row heap inserts, no statement per row, no array parameters to parse). Ids are
// time-ordered (UUIDv7), so the primary keys and RegistryChange's household index grow at their right edge instead
// of taking a random page per row.
export const COPY_HOUSEHOLDS_SQL = `COPY "Household" ("id", "registryNo", "villageCode", "headName", "idNumber", "phone",
  "size", "category", "status", "cause", "entryReason", "exitReason", "registeredOn", "exitedOn", "updatedAt") FROM STDIN`;
export const COPY_CHANGES_SQL = `COPY "RegistryChange" ("id", "householdId", "source", "action", "toStatus", "toCategory",
  "cause", "entryReason", "exitReason", "at") FROM STDIN`;

/** The household's facts (members file, income and indicator columns) and the record of them in its history. */
export const COPY_INCOMES_SQL = `COPY "HouseholdIncome" ("householdId", "year", "perCapita") FROM STDIN`;
export const COPY_INDICATORS_SQL = `COPY "HouseholdIndicators" ("householdId", "foodClothing", "education", "medical",
  "housing", "drinkingWater", "assessedOn") FROM STDIN`;
export const COPY_MEMBERS_SQL = `COPY "HouseholdMember" ("id", "householdId", "seq", "name", "relation", "idNumber",
  "birthYear", "sex", "health", "schooling", "labour") FROM STDIN`;
export const COPY_FACTS_CHANGES_SQL = `COPY "HouseholdFactsChange" ("id", "householdId", "changedAt", "source", "changes")
  FROM STDIN`;

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY's text format: \N for NULL; backslash, tab and line breaks escaped. */
export function copyValue(value: string | number | null): string {
  if (value === null) return '\\N';
  const text = String(value);
  return COPY_SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] as string) : text;
}

/** Sends rows (already in COPY text format, one line each) through COPY … FROM STDIN; resolves to the rows copied. */
export async function copyRows(client: ClientBase, sql: string, lines: string[]): Promise<number> {
  const stream = client.query(copyFrom(sql));
  await pipeline(Readable.from([lines.join('')]), stream);
  return stream.rowCount;
}

/**
 * Time-ordered UUIDs (RFC 9562 version 7): 48 bits of Unix milliseconds, a 12-bit counter that keeps ids of the
 * same millisecond in order, 62 random bits. Each source hands out strictly increasing ids.
 */
export function uuidV7Source(now: () => number = Date.now): () => string {
  let lastMs = 0;
  let counter = 0;
  let pool = '';
  let at = 0;
  return () => {
    const ms = now();
    if (ms > lastMs) {
      lastMs = ms;
      counter = 0;
    } else if (++counter > 0xfff) {
      lastMs++; // borrow the next millisecond rather than go out of order
      counter = 0;
    }
    if (at + 16 > pool.length) {
      pool = randomBytes(4096).toString('hex');
      at = 0;
    }
    const r = pool.slice(at, (at += 16));
    const t = lastMs.toString(16).padStart(12, '0');
    const variant = '89ab'[parseInt(r[0] as string, 16) & 3] as string;
    return `${t.slice(0, 8)}-${t.slice(8)}-7${counter.toString(16).padStart(3, '0')}-${variant}${r.slice(1, 4)}-${r.slice(4)}`;
  };
}
