// #/households/<id>: a household with its facts (GET /households/:id), shown exactly as the API answers: ID
// numbers and phones masked unless the caller is of the household's village or township (api/scope.ts).
import type { PageProps } from '../page';
import { ResponsibilitySection } from '../components/responsibility-form';
import { useApi } from '../use-api';
import { CATEGORY_LABELS, CAUSE_LABELS, dateTime, INDICATOR_LABELS, label } from '../labels';
import { HEALTH_LABELS, HOUSEHOLD_STATUS_LABELS, RELATION_LABELS, SEX_LABELS } from '../labels-views';
import { ProblemAlert } from '../problems';

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
    <div class="table-wrap">
      <table>
        <caption>农户（{props.households.length} 户）</caption>
        <thead>
          <tr>
            <th scope="col">户号</th>
            <th scope="col">户主</th>
            <th scope="col">人口</th>
            <th scope="col">状态</th>
            <th scope="col">类别</th>
          </tr>
        </thead>
        <tbody>
          {props.households.map((h) => (
            <tr key={h.id}>
              <td>
                <a href={`#/households/${h.id}`}>{h.registryNo}</a>
              </td>
              <td>{h.headName}</td>
              <td>{h.size}</td>
              <td>{label(HOUSEHOLD_STATUS_LABELS, h.status)}</td>
              <td>{label(CATEGORY_LABELS, h.category)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Members(props: { members: Member[] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>家庭成员</caption>
        <thead>
          <tr>
            <th scope="col">姓名</th>
            <th scope="col">关系</th>
            <th scope="col">身份证号</th>
            <th scope="col">出生年</th>
            <th scope="col">性别</th>
            <th scope="col">健康</th>
          </tr>
        </thead>
        <tbody>
          {props.members.map((m) => (
            <tr key={m.seq}>
              <td>{m.name}</td>
              <td>{label(RELATION_LABELS, m.relation)}</td>
              <td class="id-number">{m.idNumber ?? ''}</td>
              <td>{m.birthYear}</td>
              <td>{label(SEX_LABELS, m.sex)}</td>
              <td>{label(HEALTH_LABELS, m.health)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
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
