import { z } from 'zod';
import { badRequest } from './problem';

export const ZPage = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(600).optional(),
});

/**
 * The value of a cursor this API handed out. Values are only ever bound as query parameters, so any text is safe;
 * what is refused is what no cursor of ours holds: bytes that are not UTF-8, control characters, over 100 characters.
 * (Registry numbers from an import may hold slashes, spaces or Chinese, and end up in the households cursor.)
 */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const value = Buffer.from(cursor, 'base64url').toString('utf8');
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  const invalid = !value || [...value].length > 100 || /[\u0000-\u001f\u007f-\u009f\ufffd]/.test(value);
  if (invalid || encodeCursor(value) !== cursor) throw badRequest('Invalid cursor.', undefined, 'INVALID_CURSOR');
  return value;
}

export function encodeCursor(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

/** Takes limit+1 rows, returns limit of them and the cursor of the last when there is more. */
export function page<T>(rows: T[], limit: number, key: (row: T) => string) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items, nextCursor: more ? encodeCursor(key(items[items.length - 1]!)) : null };
}
