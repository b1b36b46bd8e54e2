// Payload encryption for everything the project stores in Temporal: AES-256-GCM (node:crypto) over each whole
// Payload (its metadata and data, serialised as the protobuf message), with the id of the key in the encrypted
// payload's metadata. The first key encrypts, every key decrypts, so a new key is rolled out by putting it first
// and keeping the old ones until no open round needs them. Payloads in another encoding (histories recorded
// before encryption) pass through unchanged. Workflows never see this: it runs in the clients' and workers'
// data converter, outside the workflow sandbox.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface PayloadKey {
  /** Short name stored with every payload it encrypts (letters, digits, `._-`). */
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

/** A payload this process cannot decrypt: its key is not configured, or the key or the data are wrong. */
export class PayloadDecryptionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PayloadDecryptionError';
  }
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly current: PayloadKey;

  constructor(keys: readonly PayloadKey[]) {
    if (keys.length === 0) throw new Error('AesGcmPayloadCodec needs at least one key');
    for (const k of keys) if (k.key.length !== 32) throw new Error(`payload key ${k.id} is not 32 bytes`);
    this.current = keys[0]!;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** The id of the key new payloads are encrypted with. */
  get keyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encrypt(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decrypt(p));
  }

  encrypt(payload: Payload): Payload {
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, this.current.key, iv);
    // The key id is authenticated too: a payload relabelled with another key id fails to decrypt.
    cipher.setAAD(Buffer.from(this.current.id, 'utf8'));
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(this.current.id) },
      data,
    };
  }

  decrypt(payload: Payload): Payload {
    if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
    if (!keyId) throw new PayloadDecryptionError(`An encrypted payload carries no ${KEY_ID_METADATA}.`);
    const key = this.byId.get(keyId);
    if (!key) {
      throw new PayloadDecryptionError(
        `A payload is encrypted with key "${keyId}", which is not configured here (known: ${[...this.byId.keys()].join(', ')}). Fix: add that key to PAYLOAD_KEYS or the key file, after the current one.`,
      );
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionError(`An encrypted payload (key "${keyId}") is too short to be valid.`);
    }
    try {
      const decipher = createDecipheriv(CIPHER, key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(keyId, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return temporal.api.common.v1.Payload.decode(plain);
    } catch (err) {
      throw new PayloadDecryptionError(
        `A payload encrypted with key "${keyId}" does not decrypt: the configured key "${keyId}" is not the one it was encrypted with, or the payload is corrupted.`,
        { cause: err },
      );
    }
  }
}

/** A new random key. */
export function randomPayloadKey(id: string): PayloadKey {
  return { id, key: randomBytes(32) };
}

/** `<id>:<base64>`, the form PAYLOAD_KEYS and the key file take. */
export function formatPayloadKey(k: PayloadKey): string {
  return `${k.id}:${k.key.toString('base64')}`;
}

/** The failure converter that moves messages and stack traces into an (encrypted) payload; bundles include it. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * The one data converter of every Temporal client and worker of the project (API, worker, `npm start`, tests,
 * benchmarks, replay): the SDK's JSON payloads, encrypted, and failure messages inside the encrypted payloads.
 */
export function payloadDataConverter(keys: readonly PayloadKey[]): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(keys)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
