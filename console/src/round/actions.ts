// Which actions the signed-in official may take on a round now: by role, scope (the village's code starts with
// the official's scope code) and stage, as the procedure (domain/procedure.ts) assigns them. The API decides
// again; this only keeps the page from offering what would be refused.
import type { Role } from '../../../domain/enums';
import { isObjectionStage, objectionFilers, objectionResolver, STAGE_DECIDER } from '../../../domain/procedure';
import type { SignedInOfficial } from '../official';
import type { RoundDetail } from './types';

export type RoundAction =
  'ASSESS' | 'TOWNSHIP_REVIEW' | 'COUNTY_ANNOUNCEMENT' | 'FILE_OBJECTION' | 'RESOLVE_OBJECTION' | 'CANCEL';

const DECISION_FORM: Partial<Record<Role, RoundAction>> = {
  VILLAGE: 'ASSESS',
  TOWNSHIP: 'TOWNSHIP_REVIEW',
  COUNTY: 'COUNTY_ANNOUNCEMENT',
};

export function allowedActions(o: SignedInOfficial, round: RoundDetail): RoundAction[] {
  if (round.status !== 'OPEN' || !round.villageCode.startsWith(o.scopeCode)) return [];
  const actions: RoundAction[] = [];
  const stage = round.stage;
  if (STAGE_DECIDER[stage] === o.role) actions.push(DECISION_FORM[o.role]!);
  if (isObjectionStage(stage)) {
    if (objectionFilers(stage).includes(o.role)) actions.push('FILE_OBJECTION');
    const open = round.objections.some((x) => x.status === 'OPEN');
    if (open && objectionResolver(stage) === o.role) actions.push('RESOLVE_OBJECTION');
  }
  if (o.role === 'COUNTY' || o.role === 'ADMIN') actions.push('CANCEL');
  return actions;
}
