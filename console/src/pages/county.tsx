// #/county (COUNTY, ADMIN): start a round or a campaign, and the campaigns (each a link to its progress); the
// county's other views are in the nav bar (routes.tsx).
import { useState } from 'preact/hooks';
import { StartRoundForm } from '../components/start-round';
import { useApi } from '../use-api';
import { useSubmit } from '../forms/fields';
import { dateTime } from '../labels';
import { FieldError, ProblemAlert } from '../problems';
import { CAMPAIGN_STATUS_LABELS, type CampaignDetail } from './campaign';

type CampaignSummary = Pick<CampaignDetail, 'campaignId' | 'name' | 'year' | 'status' | 'createdAt'>;

/** Village codes typed one per line, or separated by commas or spaces; empty means all villages. */
function villageList(text: string): string[] | 'ALL' {
  const codes = text.split(/[\s,，、]+/).filter(Boolean);
  return codes.length ? codes : 'ALL';
}

function StartCampaignForm(props: { onStarted: (id: string) => void }) {
  const [name, setName] = useState('');
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const [villages, setVillages] = useState('');
  const { problem, errors, busy, sendFor } = useSubmit();

  async function onSubmit(e: Event) {
    e.preventDefault();
    const body = { name: name.trim(), year: Number(year), villages: villageList(villages) };
    const r = await sendFor<{ campaignId: string }>('POST', '/campaigns', body);
    if (r) props.onStarted(r.data.campaignId);
  }

  return (
    <form onSubmit={onSubmit} aria-labelledby="start-campaign-title" class="stack">
      <h3 id="start-campaign-title">开始一个批次（多个村同时开始识别）</h3>
      <div class="field">
        <label for="campaign-name">批次名称</label>
        <input id="campaign-name" name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
        <FieldError errors={errors} path="name" />
      </div>
      <div class="field">
        <label for="campaign-year">年度</label>
        <input
          id="campaign-year"
          name="year"
          type="number"
          min={2000}
          max={2100}
          value={year}
          onInput={(e) => setYear(e.currentTarget.value)}
          required
        />
        <FieldError errors={errors} path="year" />
      </div>
      <div class="field">
        <label for="campaign-villages">村代码（每行一个；留空为全县所有村）</label>
        <textarea
          id="campaign-villages"
          name="villages"
          rows={3}
          value={villages}
          onInput={(e) => setVillages(e.currentTarget.value)}
        />
        <FieldError errors={errors} path="villages" />
      </div>
      <button type="submit" disabled={busy}>
        开始批次
      </button>
      <ProblemAlert problem={problem} />
    </form>
  );
}

export function CountyPage() {
  const campaigns = useApi<{ items: CampaignSummary[] }>('/campaigns?limit=100');
  return (
    <section aria-labelledby="county-title">
      <h2 id="county-title">县级工作台</h2>
      <div class="columns">
        <StartRoundForm />
        <StartCampaignForm onStarted={(id) => (location.hash = `#/campaigns/${id}`)} />
      </div>
      <h3>批次</h3>
      <ProblemAlert problem={campaigns.problem} />
      {campaigns.data && campaigns.data.items.length === 0 && <p>尚无批次。</p>}
      <ul class="list">
        {(campaigns.data?.items ?? []).map((c) => (
          <li key={c.campaignId}>
            <a href={`#/campaigns/${c.campaignId}`}>
              {c.name}（{c.year} 年）
            </a>{' '}
            · {CAMPAIGN_STATUS_LABELS[c.status]} · {dateTime(c.createdAt)}
          </li>
        ))}
      </ul>
    </section>
  );
}
