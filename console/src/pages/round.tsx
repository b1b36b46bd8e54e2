// A round (GET /rounds/:id): filled in by the next commits.
import { useApi } from '../use-api';
import { LoadStatus } from '../components/status';
import { label, STAGE_LABELS } from '../labels';
import type { PageProps } from '../page';

export function RoundPage({ params }: PageProps) {
  const { data, problem, loading } = useApi<{ id: string; villageCode: string; stage: string }>(
    `/rounds/${encodeURIComponent(params.roundId!)}`,
  );
  return (
    <section aria-labelledby="round-title">
      <h2 id="round-title">评议轮次 {data?.villageCode}</h2>
      <LoadStatus loading={loading && !data} problem={problem} />
      {data && <p>当前环节：{label(STAGE_LABELS, data.stage)}</p>}
    </section>
  );
}
