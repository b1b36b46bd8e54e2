// #/findings: the supervision findings in the caller's jurisdiction (GET /supervision/findings), open ones first.
import { useState } from 'preact/hooks';
import { query } from '../api';
import { useApi } from '../use-api';
import { dateTime, FINDING_LABELS, label } from '../labels';
import { ProblemAlert } from '../problems';

interface Finding {
  id: string;
  kind: string;
  label: string;
  status: 'OPEN' | 'CLOSED';
  villageCode: string | null;
  roundId: string | null;
  householdId: string | null;
  openedAt: string;
}

const STATUS_LABELS = { OPEN: '未结', CLOSED: '已结' } as const;

export function FindingsPage() {
  const [status, setStatus] = useState<'OPEN' | 'CLOSED' | ''>('OPEN');
  const { data, problem } = useApi<{ items: Finding[] }>(`/supervision/findings${query({ status, limit: 200 })}`);
  return (
    <section aria-labelledby="findings-title">
      <h2 id="findings-title">督查问题</h2>
      <div class="field">
        <label for="findings-status">状态</label>
        <select id="findings-status" value={status} onChange={(e) => setStatus(e.currentTarget.value as typeof status)}>
          <option value="OPEN">未结</option>
          <option value="CLOSED">已结</option>
          <option value="">全部</option>
        </select>
      </div>
      <ProblemAlert problem={problem} />
      {data && data.items.length === 0 && <p>没有督查问题。</p>}
      <ul class="list">
        {(data?.items ?? []).map((f) => (
          <li key={f.id}>
            <strong>{label(FINDING_LABELS, f.kind)}</strong> · {STATUS_LABELS[f.status]} · {f.label}
            {` · ${dateTime(f.openedAt)}`}
            {f.roundId && <a href={`#/rounds/${f.roundId}`}> 查看轮次</a>}
            {f.householdId && <a href={`#/households/${f.householdId}`}> 查看农户</a>}
            {!f.roundId && f.villageCode && <a href={`#/villages/${f.villageCode}`}> 查看村</a>}
          </li>
        ))}
      </ul>
    </section>
  );
}
