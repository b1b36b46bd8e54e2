// #/township (TOWNSHIP; COUNTY and ADMIN choose a township): the township's villages, each a link to its page
// (responsibility, households, open round), and starting a village's round.
import { useState } from 'preact/hooks';
import { useSession } from '../session';
import { useTownships } from '../components/names';
import { StartRoundForm } from '../components/start-round';
import { useApi } from '../use-api';
import { query } from '../api';
import { ProblemAlert } from '../problems';
import { DataTable } from '../components/table';

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
    <DataTable
      caption={`村（共 ${props.villages.length} 个）`}
      columns={['村', '代码', '贫困村', '计划退出', '已退出']}
      rows={props.villages.map((v) => ({
        key: v.code,
        cells: [
          <a href={`#/villages/${v.code}`}>{v.name}</a>,
          v.code,
          v.isPoor ? '是' : '否',
          v.plannedExitYear ?? '',
          v.exitedYear ?? '',
        ],
      }))}
    />
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
