import { z } from 'zod';
import { badRequest } from './problem';

export const ZPage = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const value = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!value || value.length > 100 || !/^[\w.:-]+$/.test(value)) throw badRequest('Invalid cursor.');
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
