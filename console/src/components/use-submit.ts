// A form's write to the API: the refusal as a problem (its Chinese message at the top, its field messages next to
// the fields through fieldErrors), nothing cleared from the form on a refusal.
import { useState } from 'preact/hooks';
import { call, type Method } from '../api';
import { fieldErrors, isProblem, type Problem } from '../problems';

export function useSubmit() {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  /** The answer's data when accepted (2xx), null when refused (the problem is then shown). */
  async function submit<T>(method: Method, path: string, body?: unknown): Promise<T | null> {
    setBusy(true);
    try {
      const r = await call<T>(method, path, body);
      if (r.status < 400) {
        setProblem(null);
        return r.data;
      }
      setProblem(isProblem(r.data) ? r.data : { status: r.status, code: 'INTERNAL_ERROR', detail: '' });
      return null;
    } finally {
      setBusy(false);
    }
  }

  return { problem, errors: fieldErrors(problem), busy, submit };
}
