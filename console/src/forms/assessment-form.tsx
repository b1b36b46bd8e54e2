// The village assessment (村民代表会议评议): the meeting record, then either the proposals voted on or "no change".
// POST /rounds/:id/assessment; a refusal is shown next to the fields it names and the form keeps what was typed.
import { useState } from 'preact/hooks';
import { FieldError } from '../problems';
import type { RoundDetail } from '../round/types';
import { Checkbox, DecisionForm, NumberInput, TextInput, today, useSubmit } from './fields';
import { emptyProposal, proposalBody, ProposalFields, type ProposalDraft } from './proposal-fields';

export function AssessmentForm(props: { round: RoundDetail; onDone: () => void }) {
  const { round } = props;
  const submit = useSubmit();
  const [heldOn, setHeldOn] = useState(today());
  const [present, setPresent] = useState<number | ''>('');
  const [total, setTotal] = useState<number | ''>('');
  const [noChange, setNoChange] = useState(false);
  const [proposals, setProposals] = useState<ProposalDraft[]>([emptyProposal(0)]);
  const [nextKey, setNextKey] = useState(1);
  const { errors } = submit;

  const onSubmit = async () => {
    const body = {
      meeting: { heldOn, representativesPresent: present, representativesTotal: total },
      ...(noChange ? { noChange: true, proposals: [] } : { proposals: proposals.map(proposalBody) }),
    };
    if (await submit.send('POST', `/rounds/${round.roundId}/assessment`, body)) props.onDone();
  };

  return (
    <DecisionForm
      id="assessment"
      title="村民代表会议评议"
      submit={submit}
      submitLabel="提交评议结果"
      onSubmit={onSubmit}
    >
      <fieldset>
        <legend>会议记录</legend>
        <div class="row">
          <TextInput
            label="会议日期"
            type="date"
            path="meeting.heldOn"
            errors={errors}
            value={heldOn}
            onInput={setHeldOn}
          />
          <NumberInput
            label="到会代表人数"
            path="meeting.representativesPresent"
            errors={errors}
            value={present}
            onInput={setPresent}
          />
          <NumberInput
            label="代表总人数"
            path="meeting.representativesTotal"
            errors={errors}
            value={total}
            onInput={setTotal}
            min={1}
          />
        </div>
        <p class="hint">到会代表须达到三分之二；每户须获得到会代表过半数赞成。</p>
      </fieldset>
      <Checkbox
        name="noChange"
        label="会议决定本轮无变动（不提出任何农户）"
        checked={noChange}
        onChange={setNoChange}
      />
      {!noChange && (
        <>
          {proposals.map((p, i) => (
            <ProposalFields
              key={p.key}
              index={i}
              draft={p}
              villageCode={round.villageCode}
              rulesVersion={round.rulesVersion}
              errors={errors}
              onChange={(d) => setProposals(proposals.map((x) => (x.key === p.key ? d : x)))}
              onRemove={() => setProposals(proposals.filter((x) => x.key !== p.key))}
            />
          ))}
          <button
            type="button"
            onClick={() => {
              setProposals([...proposals, emptyProposal(nextKey)]);
              setNextKey(nextKey + 1);
            }}
          >
            增加一户
          </button>
        </>
      )}
      <FieldError errors={errors} path="proposals" exact />
      <FieldError errors={errors} path="noChange" />
    </DecisionForm>
  );
}
