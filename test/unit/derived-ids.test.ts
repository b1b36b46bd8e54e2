import { canonicalJson, derivedUuid, requestHash } from '../../api/derived-ids';
import { ZUuid } from '../../api/schemas';

describe('derivedUuid', () => {
  it('is the same for the same parts, in every call', () => {
    expect(derivedUuid('official', 'key', 'objection')).toBe(derivedUuid('official', 'key', 'objection'));
  });

  it('differs when any part differs, and parts do not run together', () => {
    const ids = new Set([
      derivedUuid('o1', 'k', 'objection'),
      derivedUuid('o2', 'k', 'objection'),
      derivedUuid('o1', 'k2', 'objection'),
      derivedUuid('o1', 'k', 'update'),
      derivedUuid('a', 'bc'),
      derivedUuid('ab', 'c'),
    ]);
    expect(ids.size).toBe(6);
  });

  it('has the layout of a version 8 (custom) UUID that the API and the database accept', () => {
    for (let i = 0; i < 200; i++) {
      const id = derivedUuid('official', `key-${i}`);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(ZUuid.safeParse(id).success).toBe(true);
    }
  });
});

describe('canonicalJson and requestHash', () => {
  it('ignore key order at every level', () => {
    const a = { b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } };
    const b = { a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(requestHash('POST', '/p', a)).toBe(requestHash('post', '/p', b));
  });

  it('keep array order, and tell values apart', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(requestHash('POST', '/p', { a: 1 })).not.toBe(requestHash('POST', '/p', { a: '1' }));
    expect(requestHash('POST', '/p', { a: 1 })).not.toBe(requestHash('POST', '/q', { a: 1 }));
    expect(requestHash('POST', '/p', { a: 1 })).not.toBe(requestHash('PUT', '/p', { a: 1 }));
  });

  it('treat a missing body as null, and keep an own "__proto__" key as data', () => {
    expect(canonicalJson(undefined)).toBe('null');
    const polluted = JSON.parse('{"__proto__":{"x":1},"a":1}') as object;
    expect(canonicalJson(polluted)).toBe('{"__proto__":{"x":1},"a":1}');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(requestHash('POST', '/p', polluted)).not.toBe(requestHash('POST', '/p', { a: 1 }));
  });
});
