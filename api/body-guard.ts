// Bodies refused at the edge before any route sees them. Text the database cannot store: PostgreSQL rejects
// U+0000 in text and jsonb, and a decision carrying one would fail its activity on every retry, holding the
// round's decisions up for good. Invalid UTF-8 and unpaired surrogates would otherwise be replaced by U+FFFD
// without a word, corrupting names. And nesting far deeper than any request needs, which recursive code
// downstream (hashing, logging, payload conversion) could not walk.
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { badRequest } from './problem';

/** `verify` for express.json: UTF-8 only, and valid UTF-8 at that. */
export function requireUtf8(_req: IncomingMessage, _res: ServerResponse, buf: Buffer, encoding: string): void {
  if (encoding.toLowerCase() !== 'utf-8') {
    throw Object.assign(new Error('Send JSON encoded as UTF-8.'), { status: 415, type: 'charset.unsupported' });
  }
  if (!isUtf8(buf)) {
    throw Object.assign(new Error('The request body is not valid UTF-8.'), { status: 400, type: 'encoding.invalid' });
  }
}

/** No request nests deeper than a handful of levels; this leaves ample room. */
export const MAX_BODY_DEPTH = 32;

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const unstorableText = (v: string) => v.includes('\u0000') || UNPAIRED_SURROGATE.test(v);

interface Entry {
  value: unknown;
  key: string;
  depth: number;
  parent?: Entry;
}

function pathOf(e: Entry): string {
  const parts: string[] = [];
  for (let at: Entry | undefined = e; at?.parent; at = at.parent) parts.unshift(at.key);
  return parts.join('.') || '(body)';
}

/**
 * Refuses (400) a parsed body nested deeper than MAX_BODY_DEPTH, or holding a NUL character or an unpaired
 * surrogate in any key or string.
 */
export const guardBody: RequestHandler = (req, _res, next) => {
  // Iterative, so that a deeply nested body cannot exhaust the stack.
  const stack: Entry[] = [{ value: req.body as unknown, key: '', depth: 0 }];
  while (stack.length > 0) {
    const e = stack.pop()!;
    const v = e.value;
    if (typeof v === 'string') {
      if (unstorableText(v)) throw unstorable(pathOf(e));
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (e.depth >= MAX_BODY_DEPTH) {
      throw badRequest(`Invalid request body: nested more than ${MAX_BODY_DEPTH} levels deep.`, [
        { path: '(body)', message: `must not nest more than ${MAX_BODY_DEPTH} levels deep` },
      ]);
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ value: item, key: String(i), depth: e.depth + 1, parent: e }));
    } else {
      for (const [k, item] of Object.entries(v)) {
        // A bad key is not echoed back: name the object that holds it.
        if (unstorableText(k)) throw unstorable(`${pathOf(e)} (a key)`);
        stack.push({ value: item, key: k, depth: e.depth + 1, parent: e });
      }
    }
  }
  next();
};

function unstorable(path: string) {
  const message = 'must not contain NUL characters or unpaired UTF-16 surrogates';
  return badRequest(`Invalid request body: ${path}: ${message}`, [{ path, message }]);
}
