// #/campaigns/<id>: a campaign's progress per township (GET /campaigns/:id), a bar chart of rounds completed of
// rounds started in each township, refreshed every 2 s while the campaign runs.
import type { PageProps } from '../page';
import { useEffect } from 'preact/hooks';
import { BarChart } from '../components/bar-chart';
import { useApi } from '../use-api';
import { dateTime, label, STAGE_LABELS } from '../labels';
import { ProblemAlert } from '../problems';
import { useNames } from '../components/names';

interface Counts {
  byStage: Record<string, number>;
  byStatus: Record<string, number>;
}
export interface CampaignDetail {
  campaignId: string;
  name: string;
  year: number;
  status: 'RUNNING' | 'COMPLETED' | 'CANCELLED';
  villages: 'ALL' | number;
  createdAt: string;
  finishedAt: string | null;
  progress: Counts & { villagesTargeted: number; roundsStarted: number };
  townships: (Counts & { townshipCode: string; rounds: number })[];
}

export const CAMPAIGN_STATUS_LABELS: Record<CampaignDetail['status'], string> = {
  RUNNING: '进行中',
  COMPLETED: '已完成',
  CANCELLED: '已撤销',
};

const REFRESH_MS = 2000;

/** Rounds past the village assessment count as progress: the stage a campaign's rounds start in. */
function advanced(c: Counts): number {
  return Object.entries(c.byStage)
    .filter(([stage]) => stage !== 'VILLAGE_ASSESSMENT')
    .reduce((n, [, k]) => n + k, 0);
}

export function CampaignPage(props: PageProps) {
  const id = props.params.campaignId ?? '';
  const { data: c, problem, reload } = useApi<CampaignDetail>(`/campaigns/${encodeURIComponent(id)}`);
  // Read again every 2 s while the campaign runs (its rounds start and move on); stop when it has finished.
  const running = c?.status === 'RUNNING';
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(() => void reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [running, reload]);
  const names = useNames();
  return (
    <section aria-labelledby="campaign-title">
      <h2 id="campaign-title">{c ? `批次：${c.name}（${c.year} 年）` : '批次'}</h2>
      <ProblemAlert problem={problem} />
      {c && (
        <>
          <dl class="facts">
            <dt>状态</dt>
            <dd data-testid="campaign-status">{CAMPAIGN_STATUS_LABELS[c.status]}</dd>
            <dt>开始时间</dt>
            <dd>{dateTime(c.createdAt)}</dd>
            <dt>涉及村</dt>
            <dd>{c.progress.villagesTargeted}</dd>
            <dt>已开始轮次</dt>
            <dd>{c.progress.roundsStarted}</dd>
          </dl>
          <h3>各乡镇进度</h3>
          <BarChart
            title="各乡镇已过村级评议的轮次 / 已开始的轮次"
            unit="轮"
            bars={c.townships.map((t) => ({
              label: names.get(t.townshipCode) ?? t.townshipCode,
              value: advanced(t),
              total: t.rounds,
            }))}
          />
          <h3>按环节</h3>
          <ul>
            {Object.entries(c.progress.byStage).map(([stage, n]) => (
              <li key={stage}>
                {label(STAGE_LABELS, stage)}：{n}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
