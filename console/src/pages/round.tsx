// A round (GET /rounds/:id): where it stands, its list, trail, notices, objections and sample, and the forms of
// only the actions this official may take now (by role, scope and stage). After an accepted decision the page
// reads the round again (the workflow applies it at once; a publicity then moves on by the clock).
import { useApi } from '../use-api';
import { LoadStatus } from '../components/status';
import { label, ROUND_STATUS_LABELS, STAGE_LABELS } from '../labels';
import type { PageProps } from '../page';
import { useSession } from '../session';
import { allowedActions } from '../round/actions';
import type { RoundDetail } from '../round/types';
import { CountySample, Notices, ObjectionSummary, ProposalList, Timeline, Trail } from '../round/sections';
import { AssessmentForm } from '../forms/assessment-form';
import { TownshipReviewForm } from '../forms/township-review-form';
import { CountyAnnouncementForm } from '../forms/county-form';
import { FileObjectionForm, ResolveObjectionForm } from '../forms/objection-forms';
import { CancelForm } from '../forms/cancel-form';

function Objections(props: { round: RoundDetail; mayResolve: boolean; onDone: () => void }) {
  const { round } = props;
  if (round.objections.length === 0) return null;
  return (
    <section aria-labelledby="objections-title">
      <h3 id="objections-title">异议</h3>
      <ol class="objections">
        {round.objections.map((x) => (
          <li key={x.id}>
            <ObjectionSummary round={round} id={x.id} />
            {props.mayResolve && x.status === 'OPEN' && (
              <ResolveObjectionForm round={round} objection={x} onDone={props.onDone} />
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function RoundPage({ params }: PageProps) {
  const { official } = useSession();
  const {
    data: round,
    problem,
    loading,
    reload,
  } = useApi<RoundDetail>(`/rounds/${encodeURIComponent(params.roundId!)}`);
  const actions = round ? allowedActions(official, round) : [];
  const done = () => void reload();
  return (
    <section aria-labelledby="round-title">
      <h2 id="round-title">
        {round ? `${round.villageName}（${round.villageCode}）第 ${round.roundNo} 轮评议` : '评议轮次'}
      </h2>
      <LoadStatus loading={loading && !round} problem={problem} />
      {round && (
        <>
          <p>
            状态：{label(ROUND_STATUS_LABELS, round.status)} · 当前环节：
            <strong id="round-stage">{label(STAGE_LABELS, round.stage)}</strong> · 规则版本 {round.rulesVersion}
          </p>
          <Timeline round={round} />
          <section aria-labelledby="todo-title" class="todo">
            <h3 id="todo-title">可办理事项</h3>
            {actions.length === 0 && <p>当前环节没有需要您办理的事项。</p>}
            {actions.includes('ASSESS') && <AssessmentForm key={round.stage} round={round} onDone={done} />}
            {actions.includes('TOWNSHIP_REVIEW') && (
              <TownshipReviewForm key={round.stage} round={round} onDone={done} />
            )}
            {actions.includes('COUNTY_ANNOUNCEMENT') && (
              <CountyAnnouncementForm key={round.stage} round={round} onDone={done} />
            )}
            {actions.includes('FILE_OBJECTION') && <FileObjectionForm round={round} onDone={done} />}
            {actions.includes('CANCEL') && <CancelForm round={round} onDone={done} />}
          </section>
          <Objections round={round} mayResolve={actions.includes('RESOLVE_OBJECTION')} onDone={done} />
          <ProposalList round={round} />
          <CountySample round={round} />
          <Notices round={round} />
          <Trail round={round} />
          <p>
            <button type="button" onClick={done}>
              刷新
            </button>{' '}
            <a href="#/">返回待办事项</a>
          </p>
        </>
      )}
    </section>
  );
}
