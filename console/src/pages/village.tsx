// #/villages/<code>: a village's figures (GET /villages/:code), its open round, its responsibility (the township,
// the county and administrators assign it), and its households.
import type { PageProps } from '../page';
import { query } from '../api';
import { ResponsibilitySection } from '../components/responsibility-form';
import { useApi } from '../use-api';
import { HOUSEHOLD_STATUS_LABELS, STAGE_LABELS, dateTime, label } from '../labels';
import { ProblemAlert } from '../problems';
import { HouseholdTable, type Household } from './households';
import type { Village } from './township';

interface VillageDetail extends Village {
  townshipName: string;
  households: Record<string, { households: number; people: number }>;
  openRound: { id: string; stage: string; stageDeadline: string | null } | null;
}

export function VillagePage(props: PageProps) {
  const code = props.params.code ?? '';
  const { data: v, problem } = useApi<VillageDetail>(`/villages/${encodeURIComponent(code)}`);
  const households = useApi<{ items: Household[] }>(`/households${query({ village: code, limit: 100 })}`);
  return (
    <section aria-labelledby="village-title">
      <h2 id="village-title">{v ? `${v.townshipName} ${v.name}` : '村'}</h2>
      <ProblemAlert problem={problem} />
      {v && (
        <dl class="facts">
          <dt>村代码</dt>
          <dd>{v.code}</dd>
          <dt>贫困村</dt>
          <dd>{v.isPoor ? '是' : '否'}</dd>
          {Object.entries(v.households).map(([status, n]) => [
            <dt key={`${status}-t`}>{label(HOUSEHOLD_STATUS_LABELS, status)}</dt>,
            <dd key={`${status}-d`}>
              {n.households} 户 {n.people} 人
            </dd>,
          ])}
          <dt>进行中的轮次</dt>
          <dd>
            {v.openRound ? (
              <a href={`#/rounds/${v.openRound.id}`}>
                {label(STAGE_LABELS, v.openRound.stage)}
                {v.openRound.stageDeadline ? `（截止 ${dateTime(v.openRound.stageDeadline)}）` : ''}
              </a>
            ) : (
              '无'
            )}
          </dd>
        </dl>
      )}
      {v && <ResponsibilitySection subject={`/villages/${v.code}`} />}
      <h3>农户</h3>
      <ProblemAlert problem={households.problem} />
      {households.data && <HouseholdTable households={households.data.items} />}
    </section>
  );
}
