// A household visit (入户核查 by the township, 抽查 by the county) of one proposal, or its rejection with a reason.
import type { VisitFinding } from '../../../domain/enums';
import { VISIT_FINDING_LABELS } from '../labels';
import type { Proposal } from '../round/types';
import { proposalName } from '../round/types';
import { Checkbox, Select, TextInput } from './fields';

export interface VisitDraft {
  visitedOn: string;
  visitedBy: string;
  finding: VisitFinding | '';
  note: string;
  reject: boolean;
  rejectReason: string;
}

export function emptyVisit(visitedOn: string): VisitDraft {
  return { visitedOn, visitedBy: '', finding: '', note: '', reject: false, rejectReason: '' };
}

/** The visit as the API takes it (a blank note left out). */
export function visitBody(proposalId: string, v: VisitDraft) {
  return {
    proposalId,
    visitedOn: v.visitedOn,
    visitedBy: v.visitedBy,
    finding: v.finding,
    ...(v.note.trim() ? { note: v.note.trim() } : {}),
  };
}

/**
 * The visit of one proposal at `visitPath` (`verification.3`) and its rejection at `rejectPath`; `withVisit`
 * false: a rejection only (no visit asked for this proposal).
 */
export function VisitFields(props: {
  proposal: Proposal;
  draft: VisitDraft;
  visitPath: string;
  rejectPath: string;
  errors: Map<string, string>;
  withVisit: boolean;
  onChange: (v: VisitDraft) => void;
}) {
  const { draft: v, errors } = props;
  const set = <K extends keyof VisitDraft>(k: K, value: VisitDraft[K]) => props.onChange({ ...v, [k]: value });
  const who = proposalName(props.proposal);
  return (
    <fieldset>
      <legend>{who}</legend>
      {props.withVisit && (
        <div class="row">
          <TextInput
            label={`${who}：核查日期`}
            type="date"
            path={`${props.visitPath}.visitedOn`}
            errors={errors}
            value={v.visitedOn}
            onInput={(x) => set('visitedOn', x)}
          />
          <TextInput
            label={`${who}：核查人`}
            path={`${props.visitPath}.visitedBy`}
            errors={errors}
            value={v.visitedBy}
            onInput={(x) => set('visitedBy', x)}
          />
          <Select
            label={`${who}：核查结论`}
            path={`${props.visitPath}.finding`}
            errors={errors}
            value={v.finding}
            options={VISIT_FINDING_LABELS}
            onChange={(x) => set('finding', x)}
          />
          <TextInput
            label={`${who}：核查情况`}
            path={`${props.visitPath}.note`}
            errors={errors}
            value={v.note}
            onInput={(x) => set('note', x)}
          />
        </div>
      )}
      <Checkbox
        name={`${props.rejectPath}.reject`}
        label={`否决${who}`}
        checked={v.reject}
        onChange={(x) => set('reject', x)}
      />
      {v.reject && (
        <TextInput
          label={`${who}：否决理由`}
          path={`${props.rejectPath}.reason`}
          errors={errors}
          value={v.rejectReason}
          onInput={(x) => set('rejectReason', x)}
        />
      )}
    </fieldset>
  );
}
