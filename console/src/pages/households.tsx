// #/households/<id>: a household with its facts (GET /households/:id), shown exactly as the API answers: ID
// numbers and phones masked unless the caller is of the household's village or township (api/scope.ts).
import type { PageProps } from '../page';
import { ResponsibilitySection } from '../components/responsibility-form';
import { useApi } from '../use-api';
import {
  CATEGORY_LABELS,
  CAUSE_LABELS,
  HEALTH_LABELS,
  HOUSEHOLD_STATUS_LABELS,
  INDICATOR_LABELS,
  RELATION_LABELS,
  SEX_LABELS,
  dateTime,
  label,
} from '../labels';
import { ProblemAlert } from '../problems';
import { DataTable } from '../components/table';

export interface Household {
  id: string;
  registryNo: string;
  villageCode: string;
  headName: string;
  idNumber: string;
  idNumberMasked: boolean;
  phone: string | null;
  size: number;
  category: string | null;
  status: string;
  cause: string | null;
}

interface Member {
  seq: number;
  name: string;
  relation: string;
  idNumber: string | null;
  idNumberMasked: boolean;
  birthYear: number;
  sex: string;
  health: string;
}

interface HouseholdDetail extends Household {
  changes: { at: string; action: string; toStatus: string; roundId: string | null }[];
  facts: {
    members: Member[];
    incomes: { year: number; perCapita: number; line: number | null; aboveLine: boolean | null }[];
    indicators: Record<string, boolean | string> | null;
  };
}

export function HouseholdTable(props: { households: Household[] }) {
  return (
    <DataTable
      caption={`农户（${props.households.length} 户）`}
      columns={['户号', '户主', '人口', '状态', '类别']}
      rows={props.households.map((h) => ({
        key: h.id,
        cells: [
          <a href={`#/households/${h.id}`}>{h.registryNo}</a>,
          h.headName,
          h.size,
          label(HOUSEHOLD_STATUS_LABELS, h.status),
          label(CATEGORY_LABELS, h.category),
        ],
      }))}
    />
  );
}

function Members(props: { members: Member[] }) {
  return (
    <DataTable
      caption="家庭成员"
      columns={['姓名', '关系', '身份证号', '出生年', '性别', '健康']}
      rows={props.members.map((m) => ({
        key: m.seq,
        cells: [
          m.name,
          label(RELATION_LABELS, m.relation),
          m.idNumber ?? '',
          m.birthYear,
          label(SEX_LABELS, m.sex),
          label(HEALTH_LABELS, m.health),
        ],
      }))}
    />
  );
}

export function HouseholdPage(props: PageProps) {
  const id = props.params.householdId ?? '';
  const { data: h, problem } = useApi<HouseholdDetail>(`/households/${encodeURIComponent(id)}`);
  return (
    <section aria-labelledby="household-title">
      <h2 id="household-title">{h ? `农户 ${h.registryNo}（户主 ${h.headName}）` : '农户'}</h2>
      <ProblemAlert problem={problem} />
      {h && (
        <>
          <dl class="facts">
            <dt>户主身份证号</dt>
            <dd data-testid="household-id-number">
              {h.idNumber}
              {h.idNumberMasked ? '（已脱敏）' : ''}
            </dd>
            <dt>电话</dt>
            <dd>{h.phone ?? '无'}</dd>
            <dt>所在村</dt>
            <dd>
              <a href={`#/villages/${h.villageCode}`}>{h.villageCode}</a>
            </dd>
            <dt>人口</dt>
            <dd>{h.size}</dd>
            <dt>状态</dt>
            <dd>{label(HOUSEHOLD_STATUS_LABELS, h.status)}</dd>
            <dt>类别</dt>
            <dd>{label(CATEGORY_LABELS, h.category) || '无'}</dd>
            <dt>主要致贫原因</dt>
            <dd>{label(CAUSE_LABELS, h.cause) || '无'}</dd>
          </dl>
          <Members members={h.facts.members} />
          <h3>人均纯收入</h3>
          <ul>
            {h.facts.incomes.map((i) => (
              <li key={i.year}>
                {i.year} 年：{i.perCapita} 元
                {i.line === null ? '' : `（贫困线 ${i.line} 元${i.aboveLine ? '，高于' : '，未高于'}）`}
              </li>
            ))}
          </ul>
          <h3>“两不愁三保障”</h3>
          {h.facts.indicators ? (
            <ul>
              {Object.entries(h.facts.indicators)
                .filter(([, met]) => typeof met === 'boolean')
                .map(([k, met]) => (
                  <li key={k}>
                    {label(INDICATOR_LABELS, k)}：{met ? '已达到' : '未达到'}
                  </li>
                ))}
            </ul>
          ) : (
            <p>尚未评估。</p>
          )}
          <h3>名册变更</h3>
          <ul>
            {h.changes.map((c, i) => (
              <li key={i}>
                {dateTime(c.at)} · {label(HOUSEHOLD_STATUS_LABELS, c.toStatus)}
                {c.roundId && <a href={`#/rounds/${c.roundId}`}> {c.roundId}</a>}
              </li>
            ))}
          </ul>
          <ResponsibilitySection subject={`/households/${h.id}`} />
        </>
      )}
    </section>
  );
}
