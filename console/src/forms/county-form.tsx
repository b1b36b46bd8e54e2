// The county's decision (县审定): announce the list with a spot check (抽查) of every proposal the round drew
// for it and single rejections, or return it. POST /rounds/:id/county-announcement.
import { useState } from 'preact/hooks';
import { currentList, type RoundDetail } from '../round/types';
import { DecisionForm, Select, TextInput, useSubmit } from './fields';
import { ReviewFields, useReview } from './review-kit';

const DECISIONS = { ANNOUNCE: '审定公告', RETURN: '退回' } as const;
const RETURN_TO = { TOWNSHIP_REVIEW: '退回乡镇审核', VILLAGE_ASSESSMENT: '退回村级评议' } as const;

export function CountyAnnouncementForm(props: { round: RoundDetail; onDone: () => void }) {
  const sample = new Set(props.round.countySample);
  const submit = useSubmit();
  const [decision, setDecision] = useState<keyof typeof DECISIONS | ''>('ANNOUNCE');
  const [returnTo, setReturnTo] = useState<keyof typeof RETURN_TO | ''>('');
  const [note, setNote] = useState('');
  const review = useReview(currentList(props.round), 'spotChecks', (p) => sample.has(p.id));
  const { parts } = review;
  const { errors } = submit;

  const onSubmit = async () => {
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
    <DecisionForm id="county" title="县级审定" submit={submit} submitLabel="提交审定决定" onSubmit={onSubmit}>
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
          <ReviewFields review={review} errors={errors} />
        </>
      )}
      <TextInput label="审定意见" path="note" errors={errors} value={note} onInput={setNote} multiline />
    </DecisionForm>
  );
}
