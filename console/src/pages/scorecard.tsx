// #/scorecard: the townships' scorecard (GET /assessment/townships) with the accuracy figures, and the county's
// pooled figures (GET /assessment/county): 错退率 ≤ 2 %, 漏评率 ≤ 2 %, 群众认可度 ≥ 90 %.
import { useApi } from '../use-api';
import { ProblemAlert } from '../problems';
import { DataTable } from '../components/table';

interface Figure {
  label: string;
  comparison: 'AT_MOST' | 'AT_LEAST';
  percent: number;
  numerator: number;
  denominator: number;
  rate: number | null;
  pass: boolean | null;
}
interface Accuracy {
  wronglyExited: Figure;
  missed: Figure;
  approval: Figure;
}
interface Scorecard {
  year: number;
  items: {
    code: string;
    name: string;
    rounds: { total: number; completed: number; completedOnTime: number; overdueNow: number };
    openFindings: { total: number };
    accuracy: Accuracy;
  }[];
}

/** A figure as read: 1.5%（3/200，≤2% 达标）; no data when nothing was checked. */
export function figureText(f: Figure): string {
  const bound = `${f.comparison === 'AT_MOST' ? '≤' : '≥'}${f.percent}%`;
  if (f.rate === null) return `无数据（${bound}）`;
  const pct = `${(f.rate * 100).toFixed(1)}%`;
  return `${pct}（${f.numerator}/${f.denominator}，${bound} ${f.pass ? '达标' : '未达标'}）`;
}

const FIGURES = ['wronglyExited', 'missed', 'approval'] as const;

export function ScorecardPage() {
  const townships = useApi<Scorecard>('/assessment/townships');
  const county = useApi<{ year: number; townships: number; accuracy: Accuracy }>('/assessment/county');
  return (
    <section aria-labelledby="scorecard-title">
      <h2 id="scorecard-title">乡镇考核{townships.data ? `（${townships.data.year} 年）` : ''}</h2>
      <ProblemAlert problem={townships.problem} />
      {county.data && (
        <>
          <h3>全县（{county.data.townships} 个乡镇合计）</h3>
          <dl class="facts">
            {FIGURES.map((k) => [
              <dt key={`${k}-t`}>{county.data!.accuracy[k].label}</dt>,
              <dd key={`${k}-d`}>{figureText(county.data!.accuracy[k])}</dd>,
            ])}
          </dl>
        </>
      )}
      {townships.data && (
        <DataTable
          caption="各乡镇"
          columns={[
            '乡镇',
            '轮次（完成/按期/逾期）',
            '未结督查问题',
            ...FIGURES.map((k) => townships.data!.items[0]?.accuracy[k].label ?? k),
          ]}
          rows={townships.data.items.map((t) => ({
            key: t.code,
            cells: [
              t.name,
              `${t.rounds.total}（${t.rounds.completed}/${t.rounds.completedOnTime}/${t.rounds.overdueNow}）`,
              t.openFindings.total,
              ...FIGURES.map((k) => figureText(t.accuracy[k])),
            ],
          }))}
        />
      )}
    </section>
  );
}
