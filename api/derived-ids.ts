// Deterministic ids and request fingerprints for idempotent requests. Pure functions: the same input gives the
// same output in every process, so a retry after a crash derives the very ids the first attempt used.
import { createHash } from 'node:crypto';

/**
 * A UUID derived from sha256 of `parts`: RFC 9562 layout, version 8 (custom), so it fits `@db.Uuid` columns and
 * UUID validation. Parts are JSON-encoded before hashing, so ('a', 'bc') and ('ab', 'c') give different ids.
 */
export function derivedUuid(...parts: string[]): string {
  const h = createHash('sha256').update(JSON.stringify(parts)).digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * JSON with the keys of every object sorted, so that two bodies that differ only in key order (or whitespace)
 * encode the same. JSON.stringify walks the value natively, so deeply nested bodies do not exhaust our stack.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The fingerprint of a request: method, path and canonical body. */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(canonicalJson([method.toUpperCase(), path, body ?? null]))
    .digest('hex');
}
