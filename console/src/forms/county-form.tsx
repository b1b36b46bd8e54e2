// The county's decision (县审定): announce the list with a spot check (抽查) of every proposal the round drew
// for it and single rejections, or return it. POST /rounds/:id/county-announcement.
import { useState } from 'preact/hooks';
import { FieldError } from '../problems';
import { currentList, type RoundDetail } from '../round/types';
import { FormProblem, Select, TextInput, today, useSubmit } from './fields';
import { reviewParts } from './review-kit';
import { emptyVisit, VisitFields, type VisitDraft } from './visit-fields';

const DECISIONS = { ANNOUNCE: '审定公告', RETURN: '退回' } as const;
const RETURN_TO = { TOWNSHIP_REVIEW: '退回乡镇审核', VILLAGE_ASSESSMENT: '退回村级评议' } as const;

export function CountyAnnouncementForm(props: { round: RoundDetail; onDone: () => void }) {
  const list = currentList(props.round);
  const sample = new Set(props.round.countySample);
  const submit = useSubmit();
  const [decision, setDecision] = useState<keyof typeof DECISIONS | ''>('ANNOUNCE');
  const [returnTo, setReturnTo] = useState<keyof typeof RETURN_TO | ''>('');
  const [note, setNote] = useState('');
  const [drafts, setDrafts] = useState<Record<string, VisitDraft>>(() =>
    Object.fromEntries(list.map((p) => [p.id, emptyVisit(today())])),
  );
  const parts = reviewParts(list, drafts, 'spotChecks', (p) => sample.has(p.id));
  const { errors } = submit;

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const body =
      decision === 'ANNOUNCE'
        ? {
            decision,
            note,
            ...(parts.visits.length ? { spotChecks: parts.visits } : {}),
            ...(parts.rejected.length ? { rejected: parts.rejected } : {}),
          }
        : { decision, note, ...(returnTo ? { returnTo } : {}) };
    if (await submit.send('POST', `/rounds/${props.round.roundId}/county-announcement`, body)) props.onDone();
  };

  return (
    <form class="decision" aria-labelledby="county-title" onSubmit={onSubmit} noValidate>
      <h3 id="county-title">县级审定</h3>
      <FormProblem submit={submit} />
      <Select
        label="审定决定"
        path="decision"
        errors={errors}
        value={decision}
        options={DECISIONS}
        onChange={setDecision}
      />
      {decision === 'RETURN' && (
        <Select
          label="退回到"
          path="returnTo"
          errors={errors}
          value={returnTo}
          options={RETURN_TO}
          onChange={setReturnTo}
        />
      )}
      {decision === 'ANNOUNCE' && (
        <>
          <p class="hint">抽查样本中的每一户都须抽查；抽查不属实的户须单独否决。其余户可单独否决。</p>
          <FieldError errors={errors} path="spotChecks" exact />
          {list.map((p) => (
            <VisitFields
              key={p.id}
              proposal={p}
              draft={drafts[p.id]!}
              visitPath={parts.paths.get(p.id)!.visit}
              rejectPath={parts.paths.get(p.id)!.reject}
              errors={errors}
              withVisit={sample.has(p.id)}
              onChange={(v) => setDrafts({ ...drafts, [p.id]: v })}
            />
          ))}
        </>
      )}
      <TextInput label="审定意见" path="note" errors={errors} value={note} onInput={setNote} multiline />
      <div class="actions">
        <button type="submit" class="primary" disabled={submit.busy}>
          提交审定决定
        </button>
      </div>
    </form>
  );
}
