// #/township (TOWNSHIP; COUNTY and ADMIN choose a township): the township's villages, each a link to its page
// (responsibility, households, open round), and starting a village's round.
import { useState } from 'preact/hooks';
import { useSession } from '../session';
import { useTownships } from '../components/names';
import { StartRoundForm } from '../components/start-round';
import { useApi } from '../use-api';
import { query } from '../api';
import { ProblemAlert } from '../problems';

export interface Village {
  code: string;
  name: string;
  townshipCode: string;
  isPoor: boolean;
  plannedExitYear: number | null;
  exitedYear: number | null;
}

export function VillageTable(props: { villages: Village[] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>村（共 {props.villages.length} 个）</caption>
        <thead>
          <tr>
            <th scope="col">村</th>
            <th scope="col">代码</th>
            <th scope="col">贫困村</th>
            <th scope="col">计划退出</th>
            <th scope="col">已退出</th>
          </tr>
        </thead>
        <tbody>
          {props.villages.map((v) => (
            <tr key={v.code}>
              <td>
                <a href={`#/villages/${v.code}`}>{v.name}</a>
              </td>
              <td>{v.code}</td>
              <td>{v.isPoor ? '是' : '否'}</td>
              <td>{v.plannedExitYear ?? ''}</td>
              <td>{v.exitedYear ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function TownshipPage() {
  const me = useSession().official;
  const townships = useTownships();
  const [chosen, setChosen] = useState('');
  const own = me && me.scopeCode.length >= 9 ? me.scopeCode.slice(0, 9) : null;
  const code = own ?? (chosen || townships.data?.items[0]?.code || null);
  const villages = useApi<{ items: Village[] }>(code ? `/villages${query({ township: code, limit: 500 })}` : null);
  const name = townships.data?.items.find((t) => t.code === code)?.name;

  return (
    <section aria-labelledby="township-title">
      <h2 id="township-title">{name ? `乡镇：${name}` : '乡镇'}</h2>
      {!own && townships.data && (
        <div class="field">
          <label for="township-choice">选择乡镇</label>
          <select id="township-choice" value={code ?? ''} onChange={(e) => setChosen(e.currentTarget.value)}>
            {townships.data.items.map((t) => (
              <option key={t.code} value={t.code}>
                {t.name}（{t.villageCount} 个村）
              </option>
            ))}
          </select>
        </div>
      )}
      <ProblemAlert problem={villages.problem ?? townships.problem} />
      <StartRoundForm villages={villages.data?.items} />
      {villages.data && <VillageTable villages={villages.data.items} />}
    </section>
  );
}
