// The read-only sections of a round's page: where it stands in the procedure, its list, its trail of decisions,
// its notices, its objections and the county's sample.
import { stageOrder } from '../../../domain/procedure';
import {
  ACTION_LABELS,
  CATEGORY_LABELS,
  CAUSE_LABELS,
  dateTime,
  DECISION_LABELS,
  ENTRY_REASON_LABELS,
  EXIT_REASON_LABELS,
  label,
  NOTICE_KIND_LABELS,
  OBJECTION_STATUS_LABELS,
  PROPOSAL_STATUS_LABELS,
  STAGE_LABELS,
  TRAIL_KIND_LABELS,
} from '../labels';
import { proposalName, type Proposal, type RoundDetail } from './types';

export function Timeline({ round }: { round: RoundDetail }) {
  const order = stageOrder(round.rulesVersion);
  const at = order.indexOf(round.stage);
  const closed = round.status !== 'OPEN';
  return (
    <section aria-labelledby="timeline-title">
      <h3 id="timeline-title">办理进度</h3>
      <ol class="timeline">
        {order.map((s, i) => {
          const state = i < at || (closed && i === at && s === 'COMPLETED') ? 'past' : i === at ? 'current' : 'future';
          return (
            <li key={s} class={state} aria-current={state === 'current' ? 'step' : undefined}>
              <span>{label(STAGE_LABELS, s)}</span>{' '}
              <span class="hint">
                {state === 'past' ? '（已完成）' : state === 'current' ? '（当前环节）' : '（未开始）'}
              </span>
              {state === 'current' && round.status === 'OPEN' && (
                <>
                  {round.deadline && <div>办理期限：{dateTime(round.deadline)}</div>}
                  {round.publicityEndsAt && <div>公示截止：{dateTime(round.publicityEndsAt)}</div>}
                  {round.overdueSince && (
                    <div class="overdue">
                      <strong class="badge">已逾期</strong>
                    </div>
                  )}
                </>
              )}
            </li>
          );
        })}
      </ol>
      {round.status === 'CANCELLED' && <p class="problem">本轮已撤销。</p>}
    </section>
  );
}

function what(p: Proposal): string {
  const parts = [label(ACTION_LABELS, p.action)];
  if (p.category) parts.push(label(CATEGORY_LABELS, p.category));
  if (p.cause) parts.push(label(CAUSE_LABELS, p.cause));
  if (p.entryReason) parts.push(label(ENTRY_REASON_LABELS, p.entryReason));
  if (p.exitReason) parts.push(label(EXIT_REASON_LABELS, p.exitReason));
  return parts.join('，');
}

export function ProposalList({ round }: { round: RoundDetail }) {
  const sample = new Set(round.countySample);
  return (
    <section aria-labelledby="proposals-title">
      <h3 id="proposals-title">评议名单</h3>
      {round.proposals.length === 0 ? (
        <p>本轮没有拟定农户。</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">农户</th>
                <th scope="col">身份证号</th>
                <th scope="col">评议事项</th>
                <th scope="col">票数（赞成/反对）</th>
                <th scope="col">状态</th>
              </tr>
            </thead>
            <tbody>
              {round.proposals.map((p) => (
                <tr key={p.id}>
                  <td>
                    {proposalName(p)}
                    {sample.has(p.id) && <strong class="badge">县级抽查</strong>}
                  </td>
                  <td>{p.idNumber}</td>
                  <td>{what(p)}</td>
                  <td>{p.votesFor === null ? '—' : `${p.votesFor} / ${p.votesAgainst ?? 0}`}</td>
                  <td>
                    {label(PROPOSAL_STATUS_LABELS, p.status)}
                    {p.statusReason && `：${p.statusReason}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function CountySample({ round }: { round: RoundDetail }) {
  if (round.countySample.length === 0) return null;
  const byId = new Map(round.proposals.map((p) => [p.id, p]));
  return (
    <section aria-labelledby="sample-title">
      <h3 id="sample-title">县级抽查样本</h3>
      <ul>
        {round.countySample.map((id) => (
          <li key={id}>{byId.get(id) ? proposalName(byId.get(id)!) : id}</li>
        ))}
      </ul>
    </section>
  );
}

export function Trail({ round }: { round: RoundDetail }) {
  return (
    <section aria-labelledby="trail-title">
      <h3 id="trail-title">办理记录</h3>
      <ol class="trail">
        {round.decisions.map((d) => (
          <li key={d.seq}>
            <strong>{label(TRAIL_KIND_LABELS, d.kind)}</strong>
            {d.decision && `（${label(DECISION_LABELS, d.decision)}）`} · {label(STAGE_LABELS, d.stage)} ·{' '}
            {dateTime(d.at)} · {d.by ? (d.by.name ?? d.by.id) : '系统'}
            {d.note && <div class="note">理由：{d.note}</div>}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function Notices({ round }: { round: RoundDetail }) {
  if (round.notices.length === 0) return null;
  return (
    <section aria-labelledby="notices-title">
      <h3 id="notices-title">公示公告</h3>
      <ul>
        {round.notices.map((n) => (
          <li key={n.version}>
            <a href={n.url} target="_blank" rel="noopener">
              第 {n.version} 版 {label(NOTICE_KIND_LABELS, n.kind)}（打印版，新窗口打开）
            </a>{' '}
            {dateTime(n.startsAt)} 至 {dateTime(n.endsAt)}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ObjectionSummary({ round, id }: { round: RoundDetail; id: string }) {
  const x = round.objections.find((o) => o.id === id)!;
  const p = x.proposalId ? round.proposals.find((q) => q.id === x.proposalId) : undefined;
  return (
    <div>
      <strong>{x.objector.name}</strong>
      {x.objector.contact && `（${x.objector.contact}）`} · {dateTime(x.filedAt)} · 针对 {p ? proposalName(p) : '名单'}{' '}
      · {label(OBJECTION_STATUS_LABELS, x.status)}
      <div>理由：{x.reason}</div>
      {x.resolutionNote && <div>处理意见：{x.resolutionNote}</div>}
    </div>
  );
}
