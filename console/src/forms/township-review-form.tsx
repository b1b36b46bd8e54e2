// The township review (乡镇审核): approve the list with a household visit (入户核查) of every proposal it does not
// reject, or return it to the village. POST /rounds/:id/township-review.
import { useState } from 'preact/hooks';
import { currentList, type RoundDetail } from '../round/types';
import { DecisionForm, Select, TextInput, useSubmit } from './fields';
import { ReviewFields, useReview } from './review-kit';

const DECISIONS = { APPROVE: '审核通过', RETURN: '退回村级重新评议' } as const;

export function TownshipReviewForm(props: { round: RoundDetail; onDone: () => void }) {
  const submit = useSubmit();
  const [decision, setDecision] = useState<keyof typeof DECISIONS | ''>('APPROVE');
  const [note, setNote] = useState('');
  const review = useReview(currentList(props.round), 'verification', (_p, d) => !d.reject);
  const { parts } = review;
  const { errors } = submit;

  const onSubmit = async () => {
    const body =
      decision === 'APPROVE'
        ? { decision, note, verification: parts.visits, ...(parts.rejected.length ? { rejected: parts.rejected } : {}) }
        : { decision, note };
    if (await submit.send('POST', `/rounds/${props.round.roundId}/township-review`, body)) props.onDone();
  };

  return (
    <DecisionForm id="township" title="乡镇审核" submit={submit} submitLabel="提交审核决定" onSubmit={onSubmit}>
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
          <ReviewFields review={review} errors={errors} />
        </>
      )}
      <TextInput label="审核意见" path="note" errors={errors} value={note} onInput={setNote} multiline />
    </DecisionForm>
  );
}
