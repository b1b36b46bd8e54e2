// The signed-in official, as GET /session answers, shared with every page through a context.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { SignedInOfficial } from './official';

export type { SignedInOfficial };

export interface Session {
  official: SignedInOfficial;
  csrfToken: string | null;
}

export const SessionContext = createContext<Session | null>(null);

/** The session of a signed-in page (pages render only when signed in). */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}
