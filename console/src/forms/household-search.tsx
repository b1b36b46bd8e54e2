// Finding a household of the village for a proposal: the village's registry (GET /households?village=), searched
// by the head's name or the registry number in the page, picked with a button.
import { useState } from 'preact/hooks';
import { call, query } from '../api';
import { useFieldId } from './fields';
import { CATEGORY_LABELS, label } from '../labels';

export interface HouseholdHit {
  id: string;
  registryNo: string;
  headName: string;
  idNumber: string;
  size: number;
  status: 'REGISTERED' | 'EXITED' | 'NOT_REGISTERED';
  category: keyof typeof CATEGORY_LABELS | null;
}

const STATUS: Record<HouseholdHit['status'], string> = {
  REGISTERED: '在册',
  EXITED: '已退出',
  NOT_REGISTERED: '未在册',
};

/** Every household of the village (the registry pages through at most 500 a request). */
async function villageHouseholds(villageCode: string): Promise<HouseholdHit[]> {
  const all: HouseholdHit[] = [];
  let cursor: string | null = null;
  do {
    const reply: { status: number; data: { items: HouseholdHit[]; nextCursor: string | null } } = await call(
      'GET',
      `/households${query({ village: villageCode, limit: 500, cursor })}`,
    );
    if (reply.status !== 200) break;
    all.push(...reply.data.items);
    cursor = reply.data.nextCursor;
  } while (cursor);
  return all;
}

export function HouseholdSearch(props: { villageCode: string; onPick: (h: HouseholdHit) => void; label: string }) {
  const id = useFieldId('hh');
  const [all, setAll] = useState<HouseholdHit[] | null>(null);
  const [text, setText] = useState('');
  const load = async () => {
    if (all === null) setAll(await villageHouseholds(props.villageCode));
  };
  const hits = (all ?? []).filter(
    (h) => text.trim() !== '' && (h.headName.includes(text.trim()) || h.registryNo.includes(text.trim())),
  );
  return (
    <div class="field household-search">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        type="search"
        value={text}
        placeholder="户主姓名或户编号"
        onFocus={() => void load()}
        onInput={(e) => {
          void load();
          setText((e.currentTarget as HTMLInputElement).value);
        }}
      />
      {text.trim() !== '' && all !== null && (
        <ul class="hits" aria-label="搜索结果">
          {hits.length === 0 && <li>本村没有符合的户。</li>}
          {hits.slice(0, 20).map((h) => (
            <li key={h.id}>
              <button type="button" onClick={() => props.onPick(h)}>
                选择 {h.headName}（{h.registryNo}，{h.size} 人，{STATUS[h.status]}
                {h.category ? `，${label(CATEGORY_LABELS, h.category)}` : ''}）
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
