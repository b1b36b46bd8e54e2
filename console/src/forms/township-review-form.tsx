// The township review (乡镇审核): approve the list with a household visit (入户核查) of every proposal it does not
// reject, or return it to the village. POST /rounds/:id/township-review.
import { useState } from 'preact/hooks';
import { FieldError } from '../problems';
import { currentList, type RoundDetail } from '../round/types';
import { FormProblem, Select, TextInput, today, useSubmit } from './fields';
import { reviewParts } from './review-kit';
import { emptyVisit, VisitFields, type VisitDraft } from './visit-fields';

const DECISIONS = { APPROVE: '审核通过', RETURN: '退回村级重新评议' } as const;

export function TownshipReviewForm(props: { round: RoundDetail; onDone: () => void }) {
  const list = currentList(props.round);
  const submit = useSubmit();
  const [decision, setDecision] = useState<keyof typeof DECISIONS | ''>('APPROVE');
  const [note, setNote] = useState('');
  const [drafts, setDrafts] = useState<Record<string, VisitDraft>>(() =>
    Object.fromEntries(list.map((p) => [p.id, emptyVisit(today())])),
  );
  const parts = reviewParts(list, drafts, 'verification', (p) => !drafts[p.id]!.reject);
  const { errors } = submit;

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const body =
      decision === 'APPROVE'
        ? { decision, note, verification: parts.visits, ...(parts.rejected.length ? { rejected: parts.rejected } : {}) }
        : { decision, note };
    if (await submit.send('POST', `/rounds/${props.round.roundId}/township-review`, body)) props.onDone();
  };

  return (
    <form class="decision" aria-labelledby="township-title" onSubmit={onSubmit} noValidate>
      <h3 id="township-title">乡镇审核</h3>
      <FormProblem submit={submit} />
      <Select
        label="审核决定"
        path="decision"
        errors={errors}
        value={decision}
        options={DECISIONS}
        onChange={setDecision}
      />
      {decision === 'APPROVE' && (
        <>
          <p class="hint">通过前须对每一户入户核查；核查不属实的户须否决（或退回名单）。</p>
          <FieldError errors={errors} path="verification" exact />
          {list.map((p) => (
            <VisitFields
              key={p.id}
              proposal={p}
              draft={drafts[p.id]!}
              visitPath={parts.paths.get(p.id)!.visit}
              rejectPath={parts.paths.get(p.id)!.reject}
              errors={errors}
              withVisit={!drafts[p.id]!.reject}
              onChange={(v) => setDrafts({ ...drafts, [p.id]: v })}
            />
          ))}
        </>
      )}
      <TextInput label="审核意见" path="note" errors={errors} value={note} onInput={setNote} multiline />
      <div class="actions">
        <button type="submit" class="primary" disabled={submit.busy}>
          提交审核决定
        </button>
      </div>
    </form>
  );
}
