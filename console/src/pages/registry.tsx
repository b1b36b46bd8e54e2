// #/registry: the townships (GET /townships) and a household search by village and status (GET /households);
// each household opens its page with its facts.
import { useState } from 'preact/hooks';
import { HOUSEHOLD_STATUS_LABELS } from '../labels';
import { query } from '../api';
import { useTownships } from '../components/names';
import { useApi } from '../use-api';
import { ProblemAlert } from '../problems';
import { HouseholdTable, type Household } from './households';
import { DataTable } from '../components/table';

export function RegistryPage() {
  const townships = useTownships();
  const [village, setVillage] = useState('');
  const [status, setStatus] = useState('REGISTERED');
  const [search, setSearch] = useState<string | null>(null);
  const households = useApi<{ items: Household[] }>(search);

  function onSubmit(e: Event) {
    e.preventDefault();
    setSearch(`/households${query({ village: village.trim(), status, limit: 100 })}`);
  }

  return (
    <section aria-labelledby="registry-title">
      <h2 id="registry-title">名册</h2>
      <ProblemAlert problem={townships.problem} />
      {townships.data && (
        <DataTable
          caption="乡镇"
          columns={['乡镇', '代码', '村数']}
          rows={townships.data.items.map((t) => ({ key: t.code, cells: [t.name, t.code, t.villageCount] }))}
        />
      )}
      <form onSubmit={onSubmit} class="columns" aria-labelledby="household-search-title">
        <h3 id="household-search-title">查找农户</h3>
        <div class="field">
          <label for="registry-village">村代码</label>
          <input
            id="registry-village"
            name="village"
            inputMode="numeric"
            value={village}
            onInput={(e) => setVillage(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="registry-status">状态</label>
          <select id="registry-status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            {Object.entries(HOUSEHOLD_STATUS_LABELS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">查找</button>
      </form>
      <ProblemAlert problem={households.problem} />
      {households.data && <HouseholdTable households={households.data.items} />}
    </section>
  );
}
