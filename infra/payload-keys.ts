// Where the payload keys of a process come from: PAYLOAD_KEYS, else PAYLOAD_KEY_FILE, else the key file under
// DATA_DIR, which only the embedded demo (`npm start` without TEMPORAL_ADDRESS, `npm run cluster`) creates.
import fs from 'node:fs';
import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { formatPayloadKey, payloadDataConverter, randomPayloadKey, type PayloadKey } from './codec';
import { ConfigError, parsePayloadKeys, type Config } from './config';

export const DEMO_KEY_FILE = 'payload-keys';

export function demoKeyFile(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, DEMO_KEY_FILE);
}

function readKeyFile(file: string, setting: string): PayloadKey[] {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `Invalid configuration:\n  ${setting}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).\nFix the variable above (see README, Configuration).`,
      { cause: err },
    );
  }
  try {
    return parsePayloadKeys(content);
  } catch (err) {
    throw new ConfigError(
      `Invalid configuration:\n  ${setting}: ${file}: ${(err as Error).message}.\nFix the file (see README, Configuration).`,
      { cause: err },
    );
  }
}

/** Creates the demo key file once (mode 0600); an existing file is kept, whoever wrote it first. */
function ensureDemoKeyFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const key = randomPayloadKey(`demo-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`);
  try {
    fs.writeFileSync(
      file,
      `# Payload keys of the embedded demo: "<id>:<base64>", the first encrypts. Never commit this file.\n${formatPayloadKey(key)}\n`,
      { mode: 0o600, flag: 'wx' },
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/**
 * The payload keys of this process, first the one that encrypts. `generate`: the embedded demo may create its key
 * file under DATA_DIR. Without keys start-up fails with one message saying how to give them.
 */
export function payloadKeys(
  config: Pick<Config, 'PAYLOAD_KEYS' | 'PAYLOAD_KEY_FILE' | 'dataDir'>,
  options: { generate?: boolean } = {},
): PayloadKey[] {
  if (config.PAYLOAD_KEYS) return config.PAYLOAD_KEYS;
  if (config.PAYLOAD_KEY_FILE) return readKeyFile(path.resolve(config.PAYLOAD_KEY_FILE), 'PAYLOAD_KEY_FILE');
  const file = demoKeyFile(config);
  if (options.generate) ensureDemoKeyFile(file);
  if (fs.existsSync(file)) return readKeyFile(file, `the demo key file`);
  throw new ConfigError(
    'Invalid configuration:\n  PAYLOAD_KEYS: no payload encryption key is configured.\n' +
      'Fix: set PAYLOAD_KEYS="<id>:<base64 of 32 bytes>" (e.g. `echo "k1:$(openssl rand -base64 32)"`) or PAYLOAD_KEY_FILE ' +
      `to a file of such lines; every worker and API of one Temporal namespace needs the same keys (see README, Configuration).`,
  );
}

/** The data converter of this process's Temporal clients and workers. */
export function configuredDataConverter(
  config: Pick<Config, 'PAYLOAD_KEYS' | 'PAYLOAD_KEY_FILE' | 'dataDir'>,
  options: { generate?: boolean } = {},
): DataConverter {
  return payloadDataConverter(payloadKeys(config, options));
}
