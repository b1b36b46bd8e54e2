// The inbox (GET /tasks): what the official must act on, oldest deadline first, overdue said in words (not only
// by colour), each a link to its round, finding or exit.
import { useApi } from '../use-api';
import { dateTime, label, STAGE_LABELS, TASK_KIND_LABELS, FINDING_LABELS } from '../labels';
import { LoadStatus } from '../components/status';
import type { PageProps } from '../page';
import { useSession } from '../session';
import { byDeadline, taskHref, type Task } from '../tasks';

function taskTitle(t: Task): string {
  const kind = label(TASK_KIND_LABELS, t.kind);
  const subject = t.finding
    ? label(FINDING_LABELS, t.finding.kind)
    : t.exit
      ? `${t.exit.code} ${t.exit.year} 年退出`
      : `${t.villageCode ?? ''} ${label(STAGE_LABELS, t.stage)}`;
  return `${kind}：${subject.trim()}`;
}

export function InboxPage(_props: PageProps) {
  const { official } = useSession();
  const { data, problem, loading } = useApi<{ items: Task[] }>('/tasks');
  const tasks = data ? byDeadline(data.items) : [];
  return (
    <section id="inbox" aria-labelledby="inbox-title">
      <h2 id="inbox-title">待办事项</h2>
      <LoadStatus loading={loading && !data} problem={problem} />
      {data && tasks.length === 0 && <p id="inbox-empty">暂无待办事项。</p>}
      <ol id="inbox-list">
        {tasks.map((t, i) => (
          <li
            key={`${t.kind}-${t.roundId}-${t.objectionId ?? ''}-${t.finding?.id ?? ''}-${i}`}
            class={t.overdue ? 'overdue' : ''}
          >
            <a href={taskHref(t, official.role)}>{taskTitle(t)}</a>
            {t.overdue && <strong class="badge">已逾期</strong>}
            <span class="due">{t.deadline ? `期限 ${dateTime(t.deadline)}` : '无期限'}</span>
            <span class="action">{t.action}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
