// The signed-in official, as GET /session names it.
import type { Role } from '../../domain/enums';

export interface SignedInOfficial {
  id: string;
  name: string;
  role: Role;
  scopeCode: string;
}
