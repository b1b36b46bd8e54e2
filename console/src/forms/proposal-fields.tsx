// One proposal of a village assessment: the household (picked from the village's registry), what is proposed
// (纳入 / 退出 / 类别调整) with its category, cause and reason in Chinese, the vote, and what rules v3 asks for.
import type { Category, Cause, EntryReason, ExitReason, ProposalAction } from '../../../domain/enums';
import { FieldError } from '../problems';
import { ACTION_LABELS, CATEGORY_LABELS, CAUSE_LABELS, ENTRY_REASON_LABELS, EXIT_REASON_LABELS } from '../labels';
import { HouseholdSearch, type HouseholdHit } from './household-search';
import { NumberInput, Select, TextInput } from './fields';

export interface ProposalDraft {
  key: number;
  household: Pick<HouseholdHit, 'id' | 'headName' | 'registryNo'> | null;
  action: ProposalAction | '';
  category: Category | '';
  cause: Cause | '';
  entryReason: EntryReason | '';
  exitReason: ExitReason | '';
  consentSignedOn: string;
  votesFor: number | '';
  votesAgainst: number | '';
  note: string;
  overrideReason: string;
}

export function emptyProposal(key: number): ProposalDraft {
  return {
    key,
    household: null,
    action: '',
    category: '',
    cause: '',
    entryReason: '',
    exitReason: '',
    consentSignedOn: '',
    votesFor: '',
    votesAgainst: '',
    note: '',
    overrideReason: '',
  };
}

/** The proposal as the API takes it: only what its action uses, blanks left out. */
export function proposalBody(p: ProposalDraft): Record<string, unknown> {
  const enter = p.action === 'ENTER';
  const exit = p.action === 'EXIT';
  const body: Record<string, unknown> = {
    action: p.action || undefined,
    householdId: p.household?.id,
    category: !exit && p.category ? p.category : undefined,
    cause: enter && p.cause ? p.cause : undefined,
    entryReason: enter && p.entryReason ? p.entryReason : undefined,
    exitReason: exit && p.exitReason ? p.exitReason : undefined,
    householdConsent:
      exit && p.exitReason === 'REACHED_STANDARD' && p.consentSignedOn ? { signedOn: p.consentSignedOn } : undefined,
    votesFor: p.votesFor === '' ? undefined : p.votesFor,
    votesAgainst: p.votesAgainst === '' ? undefined : p.votesAgainst,
    note: p.note.trim() || undefined,
    override: enter && p.overrideReason.trim() ? { reason: p.overrideReason.trim() } : undefined,
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

export function ProposalFields(props: {
  index: number;
  draft: ProposalDraft;
  villageCode: string;
  rulesVersion: number;
  errors: Map<string, string>;
  onChange: (p: ProposalDraft) => void;
  onRemove: () => void;
}) {
  const { draft: p, errors, index } = props;
  const path = (f: string) => `proposals.${index}.${f}`;
  const set = <K extends keyof ProposalDraft>(k: K, v: ProposalDraft[K]) => props.onChange({ ...p, [k]: v });
  return (
    <fieldset class="proposal">
      <legend>第 {index + 1} 户</legend>
      {p.household ? (
        <p>
          户主：<strong>{p.household.headName}</strong>（户编号 {p.household.registryNo}）{' '}
          <button type="button" onClick={() => set('household', null)}>
            更换
          </button>
        </p>
      ) : (
        <HouseholdSearch
          label={`第 ${index + 1} 户：搜索本村农户`}
          villageCode={props.villageCode}
          onPick={(h) => set('household', { id: h.id, headName: h.headName, registryNo: h.registryNo })}
        />
      )}
      <FieldError errors={errors} path={path('householdId')} />
      <FieldError errors={errors} path={path('household')} />
      <div class="row">
        <Select
          label="评议事项"
          path={path('action')}
          errors={errors}
          value={p.action}
          options={ACTION_LABELS}
          onChange={(v) => set('action', v)}
        />
        {p.action !== 'EXIT' && (
          <Select
            label="户类别"
            path={path('category')}
            errors={errors}
            value={p.category}
            options={CATEGORY_LABELS}
            onChange={(v) => set('category', v)}
          />
        )}
        {p.action === 'ENTER' && (
          <Select
            label="主要致贫原因"
            path={path('cause')}
            errors={errors}
            value={p.cause}
            options={CAUSE_LABELS}
            onChange={(v) => set('cause', v)}
          />
        )}
        {p.action === 'ENTER' && (
          <Select
            label="纳入原因"
            path={path('entryReason')}
            errors={errors}
            value={p.entryReason}
            options={ENTRY_REASON_LABELS}
            onChange={(v) => set('entryReason', v)}
          />
        )}
        {p.action === 'EXIT' && (
          <Select
            label="退出原因"
            path={path('exitReason')}
            errors={errors}
            value={p.exitReason}
            options={EXIT_REASON_LABELS}
            onChange={(v) => set('exitReason', v)}
          />
        )}
        {p.action === 'EXIT' && p.exitReason === 'REACHED_STANDARD' && (
          <TextInput
            label="农户签字认可日期"
            type="date"
            path={path('householdConsent')}
            errors={errors}
            value={p.consentSignedOn}
            onInput={(v) => set('consentSignedOn', v)}
          />
        )}
      </div>
      <div class="row">
        <NumberInput
          label="赞成票"
          path={path('votesFor')}
          errors={errors}
          value={p.votesFor}
          onInput={(v) => set('votesFor', v)}
        />
        <NumberInput
          label="反对票"
          path={path('votesAgainst')}
          errors={errors}
          value={p.votesAgainst}
          onInput={(v) => set('votesAgainst', v)}
        />
      </div>
      {props.rulesVersion >= 3 && p.action === 'ENTER' && (
        <TextInput
          label="特殊情况说明（家庭情况不显示困难而仍纳入时填写）"
          path={path('override')}
          errors={errors}
          value={p.overrideReason}
          onInput={(v) => set('overrideReason', v)}
        />
      )}
      {props.rulesVersion >= 3 && <FieldError errors={errors} path={path('facts')} />}
      <TextInput label="备注" path={path('note')} errors={errors} value={p.note} onInput={(v) => set('note', v)} />
      <button type="button" onClick={props.onRemove}>
        删除第 {index + 1} 户
      </button>
    </fieldset>
  );
}
