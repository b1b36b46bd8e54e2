// A generic client: it knows the API only from the document it fetches (GET /api/v1/openapi.json) and drives
// every operation with requests built from the document's schemas and examples, as an outside tool would. Every
// answer must be one the fetched document allows (status, content type, body), and none may be a 5xx.
import { randomUUID } from 'node:crypto';
import { createOfficial } from '../../infra/officials';
import { responseChecker } from '../../kit/openapi';
import { startStack, type Stack } from '../../kit/stack';

type Schema = Record<string, unknown>;
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: Schema;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  security?: unknown[];
}
interface Document {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

let stack: Stack;
let doc: Document;
let apiBase: string;
let docUrl: string;
let token: string;

beforeAll(async () => {
  stack = await startStack();
  token = (await createOfficial(stack.db.prisma, { role: 'ADMIN', scopeCode: '620522', name: 'generic client' })).token;
  docUrl = `${stack.baseUrl}/openapi.json`;
  const res = await fetch(docUrl);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Document;
  // The server URL is relative to where the document was found.
  apiBase = new URL(doc.servers[0]!.url, docUrl).toString().replace(/\/$/, '');
});
afterAll(async () => {
  await stack?.stop();
});

/**
 * A value the schema accepts, from the schema alone: its example when it has one, else the smallest value of its
 * type. Strings with a pattern must carry an example (a generic client cannot guess them either).
 */
function sample(schema: Schema, full: boolean): unknown {
  if (typeof schema.$ref === 'string') {
    return sample(doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]!, full);
  }
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const options = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (options) {
    // The last option that is not null: for `villages` ("ALL" or a list) a short list, not the whole county.
    const usable = options.filter((o) => o.type !== 'null');
    return sample(usable[usable.length - 1] ?? options[0]!, full);
  }
  switch (schema.type) {
    case 'string': {
      if (schema.format === 'uuid') return randomUUID();
      if (schema.format === 'date-time') return new Date().toISOString();
      if (schema.pattern) throw new Error(`no example for a string with pattern ${String(schema.pattern)}`);
      return 'g'.repeat(Math.max(1, Number(schema.minLength ?? 1)));
    }
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' && schema.minimum > -1e9 ? schema.minimum : 1;
    case 'boolean':
      return false;
    case 'array': {
      const n = Math.max(1, Number(schema.minItems ?? 1));
      return Array.from({ length: n }, () => sample(schema.items as Schema, full));
    }
    case 'object': {
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const props = Object.entries((schema.properties as Record<string, Schema> | undefined) ?? {});
      return Object.fromEntries(
        props.filter(([name]) => full || required.has(name)).map(([name, s]) => [name, sample(s, full)]),
      );
    }
    default:
      return null;
  }
}

interface Call {
  what: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

let anonymous = 0;

/** Requests for one operation: required inputs only, and every input; with the token, and without. */
function callsFor(base: string, path: string, method: string, op: Operation): Call[] {
  const calls: Call[] = [];
  for (const full of [false, true]) {
    let url = path;
    const query = new URLSearchParams();
    const headers: Record<string, string> = {};
    for (const p of op.parameters ?? []) {
      if (!p.required && !full) continue;
      const value = String(sample(p.schema, full));
      if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(value));
      else if (p.in === 'query') query.set(p.name, value);
      else headers[p.name] = p.in === 'header' && p.name === 'Idempotency-Key' ? randomUUID() : value;
    }
    const json = op.requestBody?.content['application/json'];
    if (json && (full || op.requestBody?.required)) headers['content-type'] = 'application/json';
    const body = json && (full || op.requestBody?.required) ? JSON.stringify(sample(json.schema, full)) : undefined;
    const target = base + url + (query.size > 0 ? `?${query}` : '');
    const what = `${method.toUpperCase()} ${path} (${full ? 'every input' : 'required inputs'})`;
    calls.push({
      what,
      method: method.toUpperCase(),
      url: target,
      headers: { ...headers, authorization: `Bearer ${token}` },
      body,
    });
    if (!op.security || op.security.length > 0) {
      // Without a token, from an address of its own (failed authentications are rate-limited per address).
      calls.push({
        what: `${what} without a token`,
        method: method.toUpperCase(),
        url: target,
        headers: { ...headers, 'x-forwarded-for': `198.51.100.${++anonymous % 250}` },
        body,
      });
    }
  }
  return calls;
}

test('drives every operation of the fetched document and gets only documented, non-5xx answers', async () => {
  expect(doc.openapi).toMatch(/^3\.1\./);
  const check = responseChecker(doc as never);
  const faults: string[] = [];
  const statuses: Record<string, number[]> = {};
  let operations = 0;
  for (const [path, item] of Object.entries(doc.paths)) {
    // A path item may name its own server (the codec server, at the root): a generic client honours it.
    const { servers, ...methods } = item as Record<string, Operation> & { servers?: { url: string }[] };
    const base = servers?.[0] ? new URL(servers[0].url, docUrl).toString().replace(/\/$/, '') : apiBase;
    for (const [method, op] of Object.entries(methods)) {
      operations++;
      for (const call of callsFor(base, path, method, op)) {
        const res = await fetch(call.url, { method: call.method, headers: call.headers, body: call.body });
        const text = await res.text();
        (statuses[op.operationId] ??= []).push(res.status);
        if (res.status >= 500) faults.push(`${call.what}: ${res.status} ${text.slice(0, 200)}`);
        try {
          check(call.method, call.url, res.status, res.headers.get('content-type'), text);
        } catch (err) {
          faults.push(`${call.what}: ${(err as Error).message}`);
        }
        if (call.what.endsWith('without a token')) {
          if (res.status !== 401) faults.push(`${call.what}: ${res.status}, not 401`);
        }
      }
    }
  }
  expect(faults).toEqual([]);
  expect(operations).toBeGreaterThanOrEqual(30);
  // The client got past validation somewhere: not every operation answered only 4xx.
  const succeeded = Object.entries(statuses).filter(([, s]) => s.some((x) => x < 300));
  expect(succeeded.length).toBeGreaterThanOrEqual(15);
  process.stdout.write(`generic client: ${JSON.stringify(statuses)}\n`);
});
