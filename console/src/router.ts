// Hash routes (`#/rounds/<id>`): the current path, and matching it against the route table's patterns.
import { useEffect, useState } from 'preact/hooks';

/** The path of the hash (`#/rounds/x` → `/rounds/x`; no hash → `/`). */
export function currentPath(): string {
  const h = window.location.hash.replace(/^#/, '');
  return h.startsWith('/') ? h : '/';
}

/** The current hash path, updated when it changes. */
export function useHashPath(): string {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const onChange = () => setPath(currentPath());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return path;
}

/** Matches `/rounds/:id` against a path: the parameters (decoded) or null. */
export function matchPattern(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('?')[0]!.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) {
      if (!g) return null;
      params[w.slice(1)] = decodeURIComponent(g);
    } else if (w !== g) return null;
  }
  return params;
}

/** Moves to a hash path. */
export function navigate(path: string): void {
  window.location.hash = `#${path}`;
}
