// Cancelling a round (COUNTY or ADMIN), with the reason on the record. POST /rounds/:id/cancel.
import { useState } from 'preact/hooks';
import type { RoundDetail } from '../round/types';
import { DecisionForm, TextInput, useSubmit } from './fields';

export function CancelForm(props: { round: RoundDetail; onDone: () => void }) {
  const submit = useSubmit();
  const [reason, setReason] = useState('');
  const onSubmit = async () => {
    if (await submit.send('POST', `/rounds/${props.round.roundId}/cancel`, { reason })) props.onDone();
  };
  return (
    <details class="cancel">
      <summary>撤销本轮</summary>
      <DecisionForm
        id="cancel"
        title="撤销本轮"
        submit={submit}
        submitLabel="确认撤销"
        onSubmit={onSubmit}
        primary={false}
      >
        <TextInput label="撤销理由" path="reason" errors={submit.errors} value={reason} onInput={setReason} multiline />
      </DecisionForm>
    </details>
  );
}
