// Objections during a publicity (or the announcement period): filing one (POST /rounds/:id/objections), and its
// resolution by the official of the stage — dismissed, or upheld with at most one correction of the list:
// withdraw the proposal, amend its category or cause, or add a missed household (POST …/resolution).
import { useState } from 'preact/hooks';
import type { Category, Cause } from '../../../domain/enums';
import { CATEGORY_LABELS, CAUSE_LABELS, OBJECTION_STATUS_LABELS } from '../labels';
import { FieldError } from '../problems';
import { currentList, proposalName, type Objection, type RoundDetail } from '../round/types';
import { HouseholdSearch, type HouseholdHit } from './household-search';
import { compact, DecisionForm, Select, TextInput, today, useSubmit } from './fields';
import { VISIT_FINDING_LABELS } from '../labels';
import type { VisitFinding } from '../../../domain/enums';

export function FileObjectionForm(props: { round: RoundDetail; onDone: () => void }) {
  const submit = useSubmit();
  const [proposalId, setProposalId] = useState('');
  const [name, setName] = useState('');
  const [contact, setContact] = useState('');
  const [reason, setReason] = useState('');
  const options = Object.fromEntries(currentList(props.round).map((p) => [p.id, proposalName(p)]));
  const { errors } = submit;
  const onSubmit = async () => {
    const body = compact({ proposalId, objector: compact({ name, contact }), reason });
    if (await submit.send('POST', `/rounds/${props.round.roundId}/objections`, body)) {
      setProposalId('');
      setName('');
      setContact('');
      setReason('');
      props.onDone();
    }
  };
  return (
    <DecisionForm
      id="file-objection"
      title="登记异议"
      submit={submit}
      submitLabel="登记异议"
      onSubmit={onSubmit}
      primary={false}
    >
      <Select
        label="异议针对的农户"
        path="proposalId"
        errors={errors}
        value={proposalId}
        options={options}
        onChange={setProposalId}
        empty="（针对整个名单或漏评）"
      />
      <div class="row">
        <TextInput label="异议人姓名" path="objector.name" errors={errors} value={name} onInput={setName} />
        <TextInput
          label="异议人联系方式"
          path="objector.contact"
          errors={errors}
          value={contact}
          onInput={setContact}
        />
      </div>
      <TextInput label="异议理由" path="reason" errors={errors} value={reason} onInput={setReason} multiline />
    </DecisionForm>
  );
}

const DECISIONS = { UPHELD: OBJECTION_STATUS_LABELS.UPHELD, DISMISSED: OBJECTION_STATUS_LABELS.DISMISSED } as const;
const CHANGES = { NONE: '不更正名单', WITHDRAW: '撤回该户', AMEND: '更正类别或致贫原因', ADD: '增补漏评户' } as const;

export function ResolveObjectionForm(props: { round: RoundDetail; objection: Objection; onDone: () => void }) {
  const { round, objection } = props;
  const submit = useSubmit();
  const [decision, setDecision] = useState<keyof typeof DECISIONS | ''>('');
  const [note, setNote] = useState('');
  const [change, setChange] = useState<keyof typeof CHANGES | ''>('NONE');
  const [amendId, setAmendId] = useState(objection.proposalId ?? '');
  const [category, setCategory] = useState<Category | ''>('');
  const [cause, setCause] = useState<Cause | ''>('');
  const [added, setAdded] = useState<HouseholdHit | null>(null);
  const [visit, setVisit] = useState({ visitedOn: today(), visitedBy: '', finding: '' as VisitFinding | '', note: '' });
  const options = Object.fromEntries(currentList(round).map((p) => [p.id, proposalName(p)]));
  const needsVisit = round.stage === 'SECOND_PUBLICITY' && (change === 'AMEND' || change === 'ADD');
  const { errors } = submit;
  const prefix = `objection-${objection.id}`;

  const onSubmit = async () => {
    const upheld = decision === 'UPHELD';
    const body = {
      decision,
      note,
      ...(upheld && change === 'WITHDRAW' ? { withdrawProposal: true } : {}),
      ...(upheld && change === 'AMEND' ? { amend: compact({ proposalId: amendId, category, cause }) } : {}),
      ...(upheld && change === 'ADD' ? { add: compact({ householdId: added?.id, category, cause }) } : {}),
      ...(upheld && needsVisit ? { verification: compact(visit) } : {}),
    };
    if (await submit.send('POST', `/rounds/${round.roundId}/objections/${objection.id}/resolution`, body))
      props.onDone();
  };

  return (
    <DecisionForm
      id={prefix}
      heading="h4"
      title={`处理异议：${objection.objector.name}`}
      submit={submit}
      submitLabel="提交处理结果"
      onSubmit={onSubmit}
    >
      <Select
        label="处理结果"
        path="decision"
        errors={errors}
        value={decision}
        options={DECISIONS}
        onChange={setDecision}
      />
      {decision === 'UPHELD' && (
        <Select label="名单更正" path="change" errors={errors} value={change} options={CHANGES} onChange={setChange} />
      )}
      <FieldError errors={errors} path="withdrawProposal" />
      {decision === 'UPHELD' && change === 'AMEND' && (
        <Select
          label="更正的农户"
          path="amend.proposalId"
          errors={errors}
          value={amendId}
          options={options}
          onChange={setAmendId}
        />
      )}
      {decision === 'UPHELD' && change === 'ADD' && (
        <>
          {added ? (
            <p>
              增补：<strong>{added.headName}</strong>（{added.registryNo}）
              <button type="button" onClick={() => setAdded(null)}>
                更换
              </button>
            </p>
          ) : (
            <HouseholdSearch label="搜索要增补的本村农户" villageCode={round.villageCode} onPick={setAdded} />
          )}
          <FieldError errors={errors} path="add.householdId" />
          <FieldError errors={errors} path="add.facts" />
        </>
      )}
      {decision === 'UPHELD' && (change === 'AMEND' || change === 'ADD') && (
        <div class="row">
          <Select
            label="户类别"
            path={change === 'ADD' ? 'add.category' : 'amend.category'}
            errors={errors}
            value={category}
            options={CATEGORY_LABELS}
            onChange={setCategory}
          />
          <Select
            label="主要致贫原因"
            path={change === 'ADD' ? 'add.cause' : 'amend.cause'}
            errors={errors}
            value={cause}
            options={CAUSE_LABELS}
            onChange={setCause}
          />
        </div>
      )}
      {decision === 'UPHELD' && needsVisit && (
        <fieldset>
          <legend>入户核查（第二次公示期间须先核查）</legend>
          <div class="row">
            <TextInput
              label="核查日期"
              type="date"
              path="verification.visitedOn"
              errors={errors}
              value={visit.visitedOn}
              onInput={(v) => setVisit({ ...visit, visitedOn: v })}
            />
            <TextInput
              label="核查人"
              path="verification.visitedBy"
              errors={errors}
              value={visit.visitedBy}
              onInput={(v) => setVisit({ ...visit, visitedBy: v })}
            />
            <Select
              label="核查结论"
              path="verification.finding"
              errors={errors}
              value={visit.finding}
              options={VISIT_FINDING_LABELS}
              onChange={(v) => setVisit({ ...visit, finding: v })}
            />
          </div>
        </fieldset>
      )}
      <FieldError errors={errors} path="verification" exact />
      <TextInput label="处理意见" path="note" errors={errors} value={note} onInput={setNote} multiline />
    </DecisionForm>
  );
}
