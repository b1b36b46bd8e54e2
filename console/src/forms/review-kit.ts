// Building the visits and rejections of a review (township or county) from one draft per proposal, with the
// path of each in the body sent — the API names refused fields by their index there (`verification.2.finding`).
import type { Proposal } from '../round/types';
import { visitBody, type VisitDraft } from './visit-fields';

export interface ReviewParts {
  visits: ReturnType<typeof visitBody>[];
  rejected: { proposalId: string; reason: string }[];
  /** Per proposal id: the paths of its visit and its rejection in the body. */
  paths: Map<string, { visit: string; reject: string }>;
}

/** `visited(p)`: whether this proposal gets a visit (the county visits only its sample). */
export function reviewParts(
  list: readonly Proposal[],
  drafts: Record<string, VisitDraft>,
  visitKey: string,
  visited: (p: Proposal) => boolean,
): ReviewParts {
  const parts: ReviewParts = { visits: [], rejected: [], paths: new Map() };
  for (const p of list) {
    const d = drafts[p.id]!;
    const visit = visited(p) ? `${visitKey}.${parts.visits.length}` : `${visitKey}.none`;
    if (visited(p)) parts.visits.push(visitBody(p.id, d));
    const reject = d.reject ? `rejected.${parts.rejected.length}` : 'rejected.none';
    if (d.reject) parts.rejected.push({ proposalId: p.id, reason: d.rejectReason });
    parts.paths.set(p.id, { visit, reject });
  }
  return parts;
}
