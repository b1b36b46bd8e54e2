import { createHash, randomBytes } from 'node:crypto';

/** Bearer tokens are 32 random bytes, base64url, with a recognisable prefix; only their sha256 is stored. */
export function newToken(): string {
  return 'jz_' + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
