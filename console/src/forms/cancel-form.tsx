// Cancelling a round (COUNTY or ADMIN), with the reason on the record. POST /rounds/:id/cancel.
import { useState } from 'preact/hooks';
import type { RoundDetail } from '../round/types';
import { FormProblem, TextInput, useSubmit } from './fields';

export function CancelForm(props: { round: RoundDetail; onDone: () => void }) {
  const submit = useSubmit();
  const [reason, setReason] = useState('');
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (await submit.send('POST', `/rounds/${props.round.roundId}/cancel`, { reason })) props.onDone();
  };
  return (
    <details class="cancel">
      <summary>撤销本轮</summary>
      <form aria-labelledby="cancel-title" onSubmit={onSubmit} noValidate>
        <h3 id="cancel-title">撤销本轮</h3>
        <FormProblem submit={submit} />
        <TextInput label="撤销理由" path="reason" errors={submit.errors} value={reason} onInput={setReason} multiline />
        <div class="actions">
          <button type="submit" disabled={submit.busy}>
            确认撤销
          </button>
        </div>
      </form>
    </details>
  );
}
