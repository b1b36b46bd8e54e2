// Resident identity numbers (居民身份证号码, GB 11643-1999): 6-digit division code, 8-digit birth date,
// 3-digit sequence, 1 check character computed with ISO 7064 MOD 11-2.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

export function idCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('expected 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] as number);
  return CHECK_CHARS[sum % 11] as string;
}

export type IdNumberProblem = 'FORMAT' | 'BIRTH_DATE' | 'CHECKSUM';

/** Why an ID number is invalid, or null when it is valid. Accepts a lower-case x. */
export function idNumberProblem(value: string): IdNumberProblem | null {
  const id = value.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return 'FORMAT';
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return 'BIRTH_DATE';
  }
  return idCheckChar(id.slice(0, 17)) === id[17] ? null : 'CHECKSUM';
}

export function isValidIdNumber(value: string): boolean {
  return idNumberProblem(value) === null;
}

export function normalizeIdNumber(value: string): string {
  return value.trim().toUpperCase();
}

/** 6201**********1234: the first four and last four characters stay visible. */
export function maskIdNumber(value: string): string {
  if (value.length <= 8) return '*'.repeat(value.length);
  return value.slice(0, 4) + '*'.repeat(value.length - 8) + value.slice(-4);
}

/** 138****5678 for mobiles; shorter numbers (landlines) keep only their last two digits. */
export function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length >= 11) return digits.slice(0, 3) + '*'.repeat(digits.length - 7) + digits.slice(-4);
  if (digits.length <= 4) return '*'.repeat(digits.length);
  return '*'.repeat(digits.length - 2) + digits.slice(-2);
}

/** Builds a valid ID number; used by the seed and by tests. */
export function makeIdNumber(division: string, birth: { y: number; m: number; d: number }, seq: number): string {
  const body =
    division.slice(0, 6) +
    String(birth.y).padStart(4, '0') +
    String(birth.m).padStart(2, '0') +
    String(birth.d).padStart(2, '0') +
    String(seq % 1000).padStart(3, '0');
  return body + idCheckChar(body);
}
