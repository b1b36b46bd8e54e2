// Looking for personal data in a raw Temporal history: the strings as they are, in UTF-8 bytes, JSON-escaped, in
// hex and in base64 at each of the three byte alignments a substring can have inside a longer base64 text.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';

const run = promisify(execFile);

/** The forms `s` can take inside a serialized history. */
export function encodingsOf(s: string): { encoding: string; text: string }[] {
  const bytes = Buffer.from(s, 'utf8');
  const forms = [
    { encoding: 'plain', text: s },
    {
      encoding: 'json-escaped',
      text: JSON.stringify(s)
        .slice(1, -1)
        .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    },
    { encoding: 'hex', text: bytes.toString('hex') },
    { encoding: 'HEX', text: bytes.toString('hex').toUpperCase() },
  ];
  for (const shift of [0, 1, 2]) {
    // Only the base64 characters that depend on `s` alone: skip those mixed with the bytes before and after.
    const shifted = Buffer.concat([Buffer.alloc(shift), bytes]);
    const b64 = shifted.toString('base64');
    const start = [0, 2, 3][shift]!;
    const end = 4 * Math.floor(shifted.length / 3);
    forms.push({ encoding: `base64+${shift}`, text: b64.slice(start, end) });
    forms.push({
      encoding: `base64url+${shift}`,
      text: b64.slice(start, end).replaceAll('+', '-').replaceAll('/', '_'),
    });
  }
  return forms;
}

/** Where each needle occurs in `haystack` (a text, or bytes read as Latin-1 so UTF-8 needles match byte for byte). */
export function findIn(haystack: string | Uint8Array, needles: string[]): string[] {
  const text = typeof haystack === 'string' ? haystack : Buffer.from(haystack).toString('latin1');
  const found: string[] = [];
  for (const needle of needles) {
    for (const form of encodingsOf(needle)) {
      const t = typeof haystack === 'string' ? form.text : Buffer.from(form.text, 'utf8').toString('latin1');
      if (Buffer.byteLength(form.text) >= 6 && text.includes(t)) found.push(`${needle} (${form.encoding})`);
    }
  }
  return found;
}

/** The history as the SDK fetches it, in the two forms it is stored and shown: protobuf bytes and protobuf JSON. */
export function historyForms(history: temporal.api.history.v1.IHistory) {
  const message = temporal.api.history.v1.History.create(history);
  return {
    binary: temporal.api.history.v1.History.encode(message).finish(),
    json: historyToJSON(message),
  };
}

/** `temporal workflow show -o json` through the CLI binary the tests run the dev server with. */
export async function cliHistory(address: string, workflowId: string, extra: string[] = []): Promise<string> {
  const cli = process.env.TEMPORAL_CLI_PATH;
  if (!cli) throw new Error('TEMPORAL_CLI_PATH is not set: run the tests through jest');
  const { stdout } = await run(
    cli,
    [
      'workflow',
      'show',
      '--address',
      address,
      '--namespace',
      'default',
      '--workflow-id',
      workflowId,
      '-o',
      'json',
      ...extra,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

export interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

/** Every payload object (`{metadata, data}` in protobuf JSON) anywhere in a JSON history, with where it was. */
export function payloadsIn(json: string): (JsonPayload & { path: string })[] {
  const out: (JsonPayload & { path: string })[] = [];
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}.${i}`));
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.metadata && typeof o.metadata === 'object' && 'encoding' in (o.metadata as object)) {
      out.push({
        path,
        metadata: o.metadata as Record<string, string>,
        ...(typeof o.data === 'string' ? { data: o.data } : {}),
      });
      return;
    }
    for (const [k, x] of Object.entries(o)) walk(x, `${path}.${k}`);
  };
  walk(JSON.parse(json), '');
  return out;
}
