import type { Role } from '../domain/enums';
import type { Actor } from '../domain/round';

/** The official a request is authenticated as (by bearer token or console session). */
export interface Official extends Actor {
  id: string;
  name: string;
  role: Role;
  scopeCode: string;
}
