// The townships' names by code (GET /townships), for charts and tables that the API answers with codes.
import { useApi } from '../use-api';

interface Township {
  code: string;
  name: string;
  villageCount: number;
}

export function useTownships() {
  return useApi<{ items: Township[] }>('/townships?limit=200');
}

export function useNames(): Map<string, string> {
  const { data } = useTownships();
  return new Map((data?.items ?? []).map((t) => [t.code, t.name]));
}
