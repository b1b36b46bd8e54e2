// What the township's review and the county's announcement share: one visit-or-rejection draft per proposal on
// the list, built into the body with the path of each part — the API names refused fields by their index there
// (`verification.2.finding`) — and the list of those drafts as form fields.
import { useState } from 'preact/hooks';
import { FieldError } from '../problems';
import type { Proposal } from '../round/types';
import { today } from './fields';
import { emptyVisit, visitBody, VisitFields, type VisitDraft } from './visit-fields';

export interface ReviewParts {
  visits: ReturnType<typeof visitBody>[];
  rejected: { proposalId: string; reason: string }[];
  /** Per proposal id: the paths of its visit and its rejection in the body. */
  paths: Map<string, { visit: string; reject: string }>;
}

/** Whether a proposal gets a visit (the county visits only its sample; the township all it does not reject). */
export type Visited = (p: Proposal, draft: VisitDraft) => boolean;

export function reviewParts(
  list: readonly Proposal[],
  drafts: Record<string, VisitDraft>,
  visitKey: string,
  visited: Visited,
): ReviewParts {
  const parts: ReviewParts = { visits: [], rejected: [], paths: new Map() };
  for (const p of list) {
    const d = drafts[p.id]!;
    const visit = visited(p, d) ? `${visitKey}.${parts.visits.length}` : `${visitKey}.none`;
    if (visited(p, d)) parts.visits.push(visitBody(p.id, d));
    const reject = d.reject ? `rejected.${parts.rejected.length}` : 'rejected.none';
    if (d.reject) parts.rejected.push({ proposalId: p.id, reason: d.rejectReason });
    parts.paths.set(p.id, { visit, reject });
  }
  return parts;
}

export interface Review {
  list: readonly Proposal[];
  visitKey: string;
  visited: Visited;
  drafts: Record<string, VisitDraft>;
  setDrafts: (d: Record<string, VisitDraft>) => void;
  parts: ReviewParts;
}

/** The drafts of a review of `list`, visits dated today by default. */
export function useReview(list: readonly Proposal[], visitKey: string, visited: Visited): Review {
  const [drafts, setDrafts] = useState<Record<string, VisitDraft>>(() =>
    Object.fromEntries(list.map((p) => [p.id, emptyVisit(today())])),
  );
  return { list, visitKey, visited, drafts, setDrafts, parts: reviewParts(list, drafts, visitKey, visited) };
}

/** One fieldset per proposal: its visit (when it gets one) and its rejection; refusals shown at each. */
export function ReviewFields(props: { review: Review; errors: Map<string, string> }) {
  const { list, drafts, setDrafts, parts, visited, visitKey } = props.review;
  return (
    <>
      <FieldError errors={props.errors} path={visitKey} exact />
      {list.map((p) => (
        <VisitFields
          key={p.id}
          proposal={p}
          draft={drafts[p.id]!}
          visitPath={parts.paths.get(p.id)!.visit}
          rejectPath={parts.paths.get(p.id)!.reject}
          errors={props.errors}
          withVisit={visited(p, drafts[p.id]!)}
          onChange={(v) => setDrafts({ ...drafts, [p.id]: v })}
        />
      ))}
    </>
  );
}
