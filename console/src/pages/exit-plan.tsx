// #/exit-plan: the exit plan's chart (GET /reports/exit-plan.svg, drawn by the API, same-origin cookie) and its
// figures per township (GET /exit-plan); #/exits: the exit procedures (GET /exits).
import { useApi } from '../use-api';
import { EXIT_LEVEL_LABELS, EXIT_STAGE_LABELS, dateTime, label } from '../labels';
import { ProblemAlert } from '../problems';
import { DataTable } from '../components/table';

interface PlannedExited {
  planned: number;
  exited: number;
}
interface ExitPlan {
  year: number;
  totals: { townships: PlannedExited; villages: PlannedExited & { behind: number } };
  townships: { code: string; name: string; villages: PlannedExited & { behind: number } }[];
}

export function ExitPlanPage() {
  const { data: plan, problem } = useApi<ExitPlan>('/exit-plan');
  return (
    <section aria-labelledby="exit-plan-title">
      <h2 id="exit-plan-title">退出计划{plan ? `（${plan.year} 年）` : ''}</h2>
      <ProblemAlert problem={problem} />
      <img
        class="report-chart"
        src="/api/v1/reports/exit-plan.svg"
        alt="贫困村和乡镇按年计划退出与实际退出的对比图；各乡镇数字见下表"
      />
      {plan && (
        <DataTable
          caption={`各乡镇贫困村：计划 ${plan.totals.villages.planned}，已退出 ${plan.totals.villages.exited}，滞后 ${plan.totals.villages.behind}`}
          columns={['乡镇', '计划退出村', '已退出村', '滞后村']}
          rows={plan.townships.map((t) => ({
            key: t.code,
            cells: [t.name, t.villages.planned, t.villages.exited, t.villages.behind],
          }))}
        />
      )}
    </section>
  );
}

interface ExitSummary {
  exitId: string;
  level: string;
  code: string;
  year: number;
  stage: string;
  deadline: string | null;
}

export function ExitsPage() {
  const { data, problem } = useApi<{ items: ExitSummary[] }>('/exits?limit=200');
  return (
    <section aria-labelledby="exits-title">
      <h2 id="exits-title">退出申请</h2>
      <ProblemAlert problem={problem} />
      {data && data.items.length === 0 && <p>尚无退出申请。</p>}
      <ul class="list">
        {(data?.items ?? []).map((x) => (
          <li key={x.exitId}>
            {label(EXIT_LEVEL_LABELS, x.level)} {x.code}（{x.year} 年） · {label(EXIT_STAGE_LABELS, x.stage)}
            {x.deadline ? ` · 截止 ${dateTime(x.deadline)}` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}
