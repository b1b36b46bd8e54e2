// The payload codec (infra/codec.ts) and where its keys come from (infra/config.ts, infra/payload-keys.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import { decodeFailure, encodeFailure, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  formatPayloadKey,
  KEY_ID_METADATA,
  PayloadDecryptionError,
  payloadDataConverter,
  randomPayloadKey,
} from '../../infra/codec';
import { ConfigError, loadConfig, parsePayloadKeys } from '../../infra/config';
import { payloadKeys } from '../../infra/payload-keys';

const A = randomPayloadKey('a');
const B = randomPayloadKey('b');
const proposal = { headName: '张新户', idNumber: '620523198001010014', contact: '13912345678' };
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');

describe('AesGcmPayloadCodec', () => {
  test('round-trip: the payload comes back exactly, and the encoded one shows none of it', async () => {
    const codec = new AesGcmPayloadCodec([A]);
    const plain = defaultPayloadConverter.toPayload(proposal);
    const [encoded] = await codec.encode([plain]);
    expect(text(encoded!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encoded!.metadata![KEY_ID_METADATA])).toBe('a');
    const raw = Buffer.from(encoded!.data!);
    for (const s of Object.values(proposal)) {
      expect(raw.includes(Buffer.from(s))).toBe(false);
      expect(raw.toString('base64')).not.toContain(Buffer.from(s).toString('base64'));
    }
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(proposal);
    expect(text(decoded!.metadata!.encoding)).toBe('json/plain');
  });

  test('the same payload encrypts differently each time (fresh IV)', async () => {
    const codec = new AesGcmPayloadCodec([A]);
    const plain = defaultPayloadConverter.toPayload(proposal);
    const [x, y] = await codec.encode([plain, plain]);
    expect(Buffer.from(x!.data!).equals(Buffer.from(y!.data!))).toBe(false);
  });

  test('a wrong key under the same id fails with a clear error', async () => {
    const [encoded] = await new AesGcmPayloadCodec([A]).encode([defaultPayloadConverter.toPayload(proposal)]);
    const impostor = new AesGcmPayloadCodec([{ id: 'a', key: B.key }]);
    await expect(impostor.decode([encoded!])).rejects.toThrow(PayloadDecryptionError);
    await expect(impostor.decode([encoded!])).rejects.toThrow(/key "a".*not the one it was encrypted with/);
  });

  test('an unknown key id fails with a clear error naming it', async () => {
    const [encoded] = await new AesGcmPayloadCodec([A]).encode([defaultPayloadConverter.toPayload(proposal)]);
    await expect(new AesGcmPayloadCodec([B]).decode([encoded!])).rejects.toThrow(
      /encrypted with key "a", which is not configured here \(known: b\)/,
    );
  });

  test('a relabelled key id does not decrypt (the id is authenticated)', async () => {
    const codec = new AesGcmPayloadCodec([A, { id: 'a2', key: A.key }]);
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(proposal)]);
    const relabelled: Payload = {
      ...encoded!,
      metadata: { ...encoded!.metadata, [KEY_ID_METADATA]: Buffer.from('a2') },
    };
    await expect(codec.decode([relabelled])).rejects.toThrow(PayloadDecryptionError);
  });

  test('a payload in another encoding (an old, plain history) passes through unchanged', async () => {
    const plain = defaultPayloadConverter.toPayload(proposal);
    const binary = defaultPayloadConverter.toPayload(new Uint8Array([1, 2, 3]));
    const out = await new AesGcmPayloadCodec([A]).decode([plain, binary]);
    expect(out[0]).toBe(plain);
    expect(out[1]).toBe(binary);
  });

  test('rotation: the new key encrypts, the old one still decrypts', async () => {
    const [underA] = await new AesGcmPayloadCodec([A]).encode([defaultPayloadConverter.toPayload(proposal)]);
    const rotated = new AesGcmPayloadCodec([B, A]);
    expect(rotated.keyId).toBe('b');
    const [underB] = await rotated.encode([defaultPayloadConverter.toPayload(proposal)]);
    expect(text(underB!.metadata![KEY_ID_METADATA])).toBe('b');
    const decoded = await rotated.decode([underA!, underB!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([proposal, proposal]);
    // Without A, what A encrypted no longer opens.
    await expect(new AesGcmPayloadCodec([B]).decode([underA!])).rejects.toThrow(/key "a"/);
  });
});

test('failure messages and stack traces travel encrypted, and come back whole', async () => {
  const converter = loadDataConverter(payloadDataConverter([A]));
  const err = ApplicationFailure.create({
    type: 'Whatever',
    message: `household ${proposal.headName} ${proposal.idNumber} ${proposal.contact}`,
  });
  const failure = await encodeFailure(
    converter.payloadCodecs,
    converter.failureConverter.errorToFailure(err, converter.payloadConverter),
  );
  expect(failure.message).toBe('Encoded failure');
  expect(failure.applicationFailureInfo?.type).toBe('Whatever');
  const wire = JSON.stringify(failure) + Buffer.from(failure.encodedAttributes!.data!).toString('latin1');
  for (const s of Object.values(proposal)) expect(wire).not.toContain(s);
  expect(text(failure.encodedAttributes!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
  const back = converter.failureConverter.failureToError(
    await decodeFailure(converter.payloadCodecs, failure),
    converter.payloadConverter,
  );
  expect(back.message).toBe(err.message);
});

describe('payload keys from configuration', () => {
  const b64 = A.key.toString('base64');

  test('PAYLOAD_KEYS: comma-separated, first first', () => {
    const keys = parsePayloadKeys(`${formatPayloadKey(B)}, ${formatPayloadKey(A)}`);
    expect(keys.map((k) => k.id)).toEqual(['b', 'a']);
    expect(keys[1]!.key.equals(A.key)).toBe(true);
  });

  test.each([
    ['', /no key given/],
    ['nocolon', /entry 1: expected "<id>:<base64/],
    [`bad id!:${b64}`, /entry 1: expected/],
    ['k1:c2hvcnQ=', /entry 1 \("k1"\): the key must be 32 bytes/],
    [`k1:${b64},k1:${b64}`, /"k1" is given twice/],
  ])('malformed %j is refused with a message that never shows the key', (value, message) => {
    expect(() => parsePayloadKeys(value)).toThrow(message);
    try {
      parsePayloadKeys(value);
    } catch (err) {
      expect((err as Error).message).not.toContain(b64);
    }
  });

  test('loadConfig names PAYLOAD_KEYS and the fix when it is malformed', () => {
    expect(() => loadConfig({ PAYLOAD_KEYS: 'k1:c2hvcnQ=' })).toThrow(ConfigError);
    expect(() => loadConfig({ PAYLOAD_KEYS: 'k1:c2hvcnQ=' })).toThrow(/PAYLOAD_KEYS: entry 1.*\n.*Fix/s);
  });

  test('no keys against a configured Temporal: one clear error; the demo generates its key once, mode 0600', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jz-keys-'));
    try {
      const config = loadConfig({ DATA_DIR: dir });
      expect(() => payloadKeys(config)).toThrow(/PAYLOAD_KEYS: no payload encryption key is configured/);
      const first = payloadKeys(config, { generate: true });
      const file = path.join(dir, 'payload-keys');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const again = payloadKeys(config, { generate: true });
      expect(again[0]!.key.equals(first[0]!.key)).toBe(true);
      // A process without `generate` (a standalone worker on the same machine) reads the same file.
      expect(payloadKeys(config)[0]!.id).toBe(first[0]!.id);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('PAYLOAD_KEY_FILE: read, malformed or missing named in the error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jz-keys-'));
    try {
      const file = path.join(dir, 'keys');
      fs.writeFileSync(file, `# rotated 2026-12\n${formatPayloadKey(B)}\n${formatPayloadKey(A)}\n`);
      expect(payloadKeys(loadConfig({ PAYLOAD_KEY_FILE: file })).map((k) => k.id)).toEqual(['b', 'a']);
      fs.writeFileSync(file, 'b:xyz\n');
      expect(() => payloadKeys(loadConfig({ PAYLOAD_KEY_FILE: file }))).toThrow(/PAYLOAD_KEY_FILE: .*entry 1/);
      expect(() => payloadKeys(loadConfig({ PAYLOAD_KEY_FILE: path.join(dir, 'none') }))).toThrow(
        /PAYLOAD_KEY_FILE: cannot read .*ENOENT/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
