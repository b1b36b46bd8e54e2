// Reading from the API in a page: the data of a GET, or the problem it answered, and a way to read it again.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { call } from './api';
import { isProblem, type Problem } from './problems';

export interface Loaded<T> {
  data: T | null;
  problem: Problem | null;
  loading: boolean;
  reload: () => Promise<void>;
}

/** GETs `path` (null: nothing to read yet) when the page opens and whenever `reload` is called. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const reload = useCallback(async () => {
    if (path === null) return;
    setLoading(true);
    const reply = await call<T>('GET', path);
    setLoading(false);
    if (reply.status === 200) {
      setData(reply.data);
      setProblem(null);
    } else
      setProblem(isProblem(reply.data) ? reply.data : { status: reply.status, code: 'INTERNAL_ERROR', detail: '' });
  }, [path]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, problem, loading, reload };
}
