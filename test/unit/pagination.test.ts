import { decodeCursor, encodeCursor, page, ZPage } from '../../api/pagination';
import { HttpProblem } from '../../api/problem';

function problemOf(fn: () => unknown): HttpProblem {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HttpProblem);
    return err as HttpProblem;
  }
  throw new Error('expected an HttpProblem to be thrown');
}

describe('cursor encoding', () => {
  it.each([
    ['a UUID', '3f2b8c1e-9d4a-4b7e-8f21-5a6b7c8d9e0f'],
    ['a village code', '620522100201'],
    ['a registry number', '620522100201-0001'],
    ['a timestamp', '2026-11-29T16:30:00.000Z'],
    // Imported registry numbers are free text (bound as parameters, never spliced into SQL).
    ['an imported registry number with a slash and a space', '620522100201:2016/001 A'],
    ['a Chinese registry number of 64 characters', `620522100201:${'安'.repeat(64)}`],
    ['text that looks like SQL', "x' OR 1=1 --"],
  ])('round-trips %s', (_name, value) => {
    const cursor = encodeCursor(value);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toBe(value);
  });

  it('decodes no cursor as undefined', () => {
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  it.each([
    ['garbage', '!!!not a cursor!!!'],
    ['an empty string', ''],
    ['random base64 bytes', Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString('base64url')],
    ['a value with a NUL', encodeCursor('row\u0000-1')],
    ['a value with a line break', encodeCursor('row\n1')],
    ['a value that is too long', encodeCursor('a'.repeat(101))],
    ['a cursor that is not our encoding of its value', encodeCursor('row-1') + '='],
  ])('rejects %s with a 400 problem', (_name, cursor) => {
    const problem = problemOf(() => decodeCursor(cursor));
    expect(problem.status).toBe(400);
    expect(problem.title).toBe('Bad Request');
    expect(problem.message).toBe('Invalid cursor.');
  });
});

describe('page', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `row-${i + 1}` }));

  it('with limit+1 rows returns limit of them and the cursor of the last returned', () => {
    const p = page(rows(4), 3, (r) => r.id);
    expect(p.items.map((r) => r.id)).toEqual(['row-1', 'row-2', 'row-3']);
    expect(p.nextCursor).not.toBeNull();
    expect(decodeCursor(p.nextCursor!)).toBe('row-3');
  });

  it('with exactly limit rows returns them all and no cursor', () => {
    const p = page(rows(3), 3, (r) => r.id);
    expect(p.items).toHaveLength(3);
    expect(p.nextCursor).toBeNull();
  });

  it('with fewer rows returns them all and no cursor', () => {
    expect(page(rows(2), 3, (r) => r.id)).toEqual({ items: rows(2), nextCursor: null });
    expect(page([], 3, (r: { id: string }) => r.id)).toEqual({ items: [], nextCursor: null });
  });
});

describe('ZPage', () => {
  it('defaults the limit to 50 and coerces query strings', () => {
    expect(ZPage.parse({})).toEqual({ limit: 50 });
    expect(ZPage.parse({ limit: '20', cursor: 'abc' })).toEqual({ limit: 20, cursor: 'abc' });
  });

  it.each([{ limit: '0' }, { limit: '501' }, { limit: '1.5' }, { limit: 'ten' }, { cursor: 'x'.repeat(601) }])(
    'rejects %j',
    (query) => {
      expect(ZPage.safeParse(query).success).toBe(false);
    },
  );
});
