import type { Official } from './auth';
import { forbidden } from './problem';

/** Codes nest by prefix (county 6, township 9, village 12 digits), so jurisdiction is a prefix test. */
export function inScope(o: Official, code: string): boolean {
  return code.startsWith(o.scopeCode);
}

export function requireScope(o: Official, code: string, what: string) {
  if (!inScope(o, code)) throw forbidden(`${what} is outside your jurisdiction (${o.scopeCode}).`);
}

/** ID numbers are shown in full only to officials of the household's village or its township. */
export function seesIdNumbers(o: Official, villageCode: string): boolean {
  return (o.role === 'VILLAGE' || o.role === 'TOWNSHIP') && villageCode.startsWith(o.scopeCode);
}
