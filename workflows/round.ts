// One village's identification round: village assessment → first publicity → township review →
// second publicity → county announcement. Officials decide through Updates whose validators refuse a
// decision at the wrong stage or by the wrong kind of official at once; timers come from the policy.
import {
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { durationMs } from '../domain/duration';
import { STAGE_LABELS, type Stage } from '../domain/enums';
import {
  codeInScope,
  containsNul,
  type Actor,
  type AssessmentUpdate,
  type CancelUpdate,
  type CountyAnnouncementUpdate,
  type DecisionResult,
  type ObjectionUpdate,
  type ResolutionUpdate,
  type RoundInput,
  type RoundState,
  type TownshipReviewUpdate,
  type Transition,
} from '../domain/round';
import { isQuorate, PUBLICITY_STAGES, STAGE_ACTOR, stageAfter, type OpenStage } from '../domain/procedure';
import { refuse } from './errors';
import {
  cancelRoundSignal,
  cancelRoundUpdate,
  countyAnnouncementUpdate,
  fileObjectionUpdate,
  NON_RETRYABLE_ERROR_TYPES,
  resolveObjectionUpdate,
  roundOpenedUpdate,
  roundStateQuery,
  RoundError,
  submitAssessmentUpdate,
  supervisionFindingSignal,
  townshipReviewUpdate,
} from './round-contract';
import { CAMPAIGN_KEY, STAGE_KEY, TOWNSHIP_KEY, VILLAGE_KEY } from './search-attributes';

// Persistence must never be lost: retry without limit (a database outage only delays the round).
const { applyTransition } = proxyActivities<ReturnType<typeof createActivities>>({
  // Longer than the transaction's own limits (10 s to start, 30 s to run), short enough that a crashed
  // worker's step is retried elsewhere quickly.
  startToCloseTimeout: '45 seconds',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
});

export async function roundWorkflow(input: RoundInput): Promise<RoundState> {
  const publicityMs = durationMs(input.policy.publicityPeriod);
  const deadlineMs = durationMs(input.policy.stageDeadline);
  const iso = (ms: number) => new Date(ms).toISOString();

  const state: RoundState = {
    roundId: input.roundId,
    villageCode: input.villageCode,
    townshipCode: input.townshipCode,
    stage: 'VILLAGE_ASSESSMENT',
    status: 'OPEN',
    assessmentNo: 0,
    seq: 0,
    noticeVersion: 0,
    stageEnteredAt: iso(Date.now()),
    stageDeadline: iso(Date.now() + deadlineMs),
    reminded: false,
    proposals: [],
    objections: [],
    findings: [],
  };
  /** A stage decision is being recorded: a second one is refused rather than queued. */
  let busy = false;
  /** The publicity is being closed: no more objections. */
  let closing = false;
  let objectionsInFlight = 0;
  /** Bumped on every change the main loop waits on. */
  let epoch = 0;
  let opened = false;

  // Writes happen one at a time, in the order decisions were accepted, so the trail's seq order is the
  // order of the database writes.
  let chain: Promise<unknown> = Promise.resolve();
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = chain.then(fn);
    chain = next.catch(() => undefined);
    return next;
  }

  async function persist(t: Omit<Transition, 'roundId' | 'at'>, at: number): Promise<void> {
    await applyTransition({ roundId: input.roundId, at: iso(at), ...t });
  }

  const stageAfterPublicity = (stage: Stage): Stage => stageAfter(stage as OpenStage);
  const current = () => state.proposals.filter((p) => p.status === 'PROPOSED');
  const openObjections = () => state.objections.filter((o) => o.status === 'OPEN' || o.status === 'RESOLVING');
  const isPublicity = () => PUBLICITY_STAGES.includes(state.stage);

  /** Computes the round fields of entering a stage at `at`; apply them to state with `commitStage`. */
  function stagePatch(stage: Stage, at: number) {
    const publicity = PUBLICITY_STAGES.includes(stage);
    const publicityEndsAt = publicity ? at + publicityMs : undefined;
    // A publicity's deadline runs from its end: the time the township has to resolve what holds it open.
    const deadline = stage === 'COMPLETED' ? undefined : (publicityEndsAt ?? at) + deadlineMs;
    return {
      stage,
      stageEnteredAt: iso(at),
      stageDeadline: deadline === undefined ? null : iso(deadline),
      publicityEndsAt: publicityEndsAt === undefined ? null : iso(publicityEndsAt),
      overdueSince: null,
    };
  }

  function commitStage(patch: ReturnType<typeof stagePatch>) {
    const changed = patch.stage !== state.stage;
    state.stage = patch.stage;
    state.stageEnteredAt = patch.stageEnteredAt;
    state.stageDeadline = patch.stageDeadline ?? state.stageDeadline;
    state.publicityEndsAt = patch.publicityEndsAt ?? undefined;
    state.reminded = false;
    if (changed) upsertSearchAttributes([{ key: STAGE_KEY, value: patch.stage }]);
    describe();
    epoch++;
  }

  function describe() {
    const lines = [
      `**${STAGE_LABELS[state.stage]}** (${state.stage}) · ${state.status}`,
      `Village ${state.villageCode} · round ${input.roundNo}`,
      state.stage === 'COMPLETED' ? '' : `Deadline ${state.stageDeadline}${state.reminded ? ' · **OVERDUE**' : ''}`,
      state.publicityEndsAt
        ? `Publicity until ${state.publicityEndsAt} · open objections ${openObjections().length}`
        : '',
      `Proposals on the list: ${current().length}`,
      state.lastReturn
        ? `Last return: ${state.lastReturn.from} → ${state.lastReturn.to}: ${state.lastReturn.reason}`
        : '',
    ];
    setCurrentDetails(lines.filter(Boolean).join('\n\n'));
  }

  function result(seq: number, noticeVersion?: number): DecisionResult {
    return { roundId: input.roundId, stage: state.stage, seq, noticeVersion };
  }

  // ---- validators: pure checks on the workflow's own state (they cannot do I/O) -------------------

  /** Every validator first refuses text PostgreSQL cannot store (NUL), which would stall the write forever. */
  function checked<Args extends unknown[]>(validate: (...args: Args) => void): (...args: Args) => void {
    return (...args) => {
      if (containsNul(args)) refuse(RoundError.INVALID, 'Text must not contain NUL (U+0000) characters.');
      validate(...args);
    };
  }

  function requireOpen() {
    if (state.status !== 'OPEN') refuse(RoundError.CLOSED, `The round is ${state.status.toLowerCase()}.`);
  }

  function requireStage(stage: Stage) {
    requireOpen();
    // A publicity whose end is being written is as good as over: its transaction commits the next stage, which
    // the API shows at once, a moment before this workflow hears back (longer while a worker or Temporal
    // recovers). A decision for that stage is accepted; serial() applies it after the end is recorded.
    const arriving = closing ? stageAfterPublicity(state.stage) : undefined;
    if (state.stage !== stage && arriving !== stage) {
      refuse(
        RoundError.WRONG_STAGE,
        `The round is at ${state.stage} (${STAGE_LABELS[state.stage]}); this decision belongs to ${stage} (${STAGE_LABELS[stage]}).`,
        { stage: state.stage },
      );
    }
    if (busy) refuse(RoundError.BUSY, 'Another decision on this stage is being recorded.');
  }

  function requireRole(actor: Actor, roles: Actor['role'][], what: string) {
    if (!roles.includes(actor.role) || !codeInScope(actor.scopeCode, input.villageCode)) {
      refuse(
        RoundError.NOT_ALLOWED,
        `${what} is for ${roles.join(' or ')} officials with jurisdiction over village ${input.villageCode}.`,
      );
    }
  }

  function requireOnList(proposalId: string) {
    if (!current().some((p) => p.id === proposalId)) {
      refuse(RoundError.INVALID, `Proposal ${proposalId} is not on the current list of this round.`, { proposalId });
    }
  }

  // ---- decisions ----------------------------------------------------------------------------------

  setHandler(roundStateQuery, () => state);
  setHandler(roundOpenedUpdate, async () => {
    await condition(() => opened);
    return result(1);
  });

  setHandler(
    submitAssessmentUpdate,
    async ({ actor, meeting, proposals }) => {
      busy = true;
      try {
        return await serial(async () => {
          const at = Date.now();
          const seq = ++state.seq;
          const assessmentNo = state.assessmentNo + 1;
          const version = ++state.noticeVersion;
          const patch = stagePatch('FIRST_PUBLICITY', at);
          await persist(
            {
              decision: {
                seq,
                stage: 'VILLAGE_ASSESSMENT',
                kind: 'ASSESSMENT_SUBMITTED',
                actor,
                payload: { meeting, count: proposals.length },
              },
              round: patch,
              newProposals: proposals.map((p) => ({ ...p, assessmentNo })),
              notice: {
                version,
                kind: 'FIRST_PUBLICITY',
                startsAt: patch.stageEnteredAt,
                endsAt: patch.publicityEndsAt,
                proposalIds: proposals.map((p) => p.id),
              },
            },
            at,
          );
          state.assessmentNo = assessmentNo;
          for (const p of proposals) {
            state.proposals.push({
              id: p.id,
              action: p.action,
              householdId: p.householdId,
              status: 'PROPOSED',
              assessmentNo,
            });
          }
          commitStage(patch);
          return result(seq, version);
        });
      } finally {
        busy = false;
      }
    },
    {
      validator: checked<[AssessmentUpdate]>(({ actor, meeting, proposals }) => {
        requireStage('VILLAGE_ASSESSMENT');
        requireRole(actor, ['VILLAGE'], 'The village assessment');
        if (!isQuorate(meeting))
          refuse(RoundError.INVALID, 'The meeting was not quorate (fewer than two thirds present).');
        if (proposals.length === 0) refuse(RoundError.INVALID, 'An assessment needs at least one proposal.');
      }),
    },
  );

  setHandler(
    fileObjectionUpdate,
    async ({ actor, objectionId, proposalId, objector, reason }) => {
      objectionsInFlight++;
      const noticeVersion = state.noticeVersion;
      try {
        return await serial(async () => {
          const at = Date.now();
          const seq = ++state.seq;
          await persist(
            {
              decision: {
                seq,
                stage: state.stage,
                kind: 'OBJECTION_FILED',
                actor,
                payload: { objectionId, proposalId },
              },
              newObjection: {
                id: objectionId,
                noticeVersion,
                proposalId,
                objectorName: objector.name,
                objectorContact: objector.contact,
                reason,
              },
            },
            at,
          );
          state.objections.push({ id: objectionId, proposalId, status: 'OPEN', noticeVersion });
          describe();
          return { ...result(seq), objectionId };
        });
      } finally {
        objectionsInFlight--;
        epoch++;
      }
    },
    {
      validator: checked<[ObjectionUpdate]>(({ actor, objectionId, proposalId }) => {
        requireOpen();
        if (!isPublicity() || closing) {
          refuse(
            RoundError.WRONG_STAGE,
            `Objections are received only during a publicity; the round is at ${state.stage}.`,
            { stage: state.stage },
          );
        }
        if (Date.now() >= Date.parse(state.publicityEndsAt ?? '')) {
          refuse(RoundError.WRONG_STAGE, `The objection period ended at ${state.publicityEndsAt}.`, {
            stage: state.stage,
          });
        }
        requireRole(actor, ['VILLAGE', 'TOWNSHIP', 'COUNTY'], 'Recording an objection');
        if (state.objections.some((o) => o.id === objectionId))
          refuse(RoundError.INVALID, 'This objection is already recorded.');
        if (proposalId !== undefined) requireOnList(proposalId);
      }),
    },
  );

  setHandler(
    resolveObjectionUpdate,
    async ({ actor, objectionId, decision, note, withdrawProposal }) => {
      const objection = state.objections.find((o) => o.id === objectionId)!;
      objection.status = 'RESOLVING';
      try {
        return await serial(async () => {
          const at = Date.now();
          const seq = ++state.seq;
          const withdraw = decision === 'UPHELD' && withdrawProposal === true && objection.proposalId !== undefined;
          // An upheld objection that changes the list restarts the publicity with a new notice version.
          const remaining = current().filter((p) => !(withdraw && p.id === objection.proposalId));
          const version = withdraw ? ++state.noticeVersion : undefined;
          const patch = withdraw ? stagePatch(state.stage, at) : undefined;
          await persist(
            {
              decision: {
                seq,
                stage: state.stage,
                kind: 'OBJECTION_RESOLVED',
                actor,
                decision,
                note,
                payload: { objectionId, withdrawProposal: withdraw },
              },
              resolveObjection: { id: objectionId, status: decision, note, withdrewProposal: withdraw },
              proposalStatus: withdraw
                ? [{ ids: [objection.proposalId!], status: 'WITHDRAWN', reason: note }]
                : undefined,
              round: patch,
              notice:
                version && patch
                  ? {
                      version,
                      kind: state.stage as 'FIRST_PUBLICITY' | 'SECOND_PUBLICITY',
                      startsAt: patch.stageEnteredAt,
                      endsAt: patch.publicityEndsAt,
                      proposalIds: remaining.map((p) => p.id),
                    }
                  : undefined,
            },
            at,
          );
          objection.status = decision;
          if (withdraw) {
            const p = state.proposals.find((x) => x.id === objection.proposalId);
            if (p) p.status = 'WITHDRAWN';
          }
          if (patch) commitStage(patch);
          else describe();
          return result(seq, version);
        });
      } catch (err) {
        objection.status = 'OPEN';
        throw err;
      } finally {
        epoch++;
      }
    },
    {
      validator: checked<[ResolutionUpdate]>(({ actor, objectionId, withdrawProposal, decision }) => {
        requireOpen();
        requireRole(actor, ['TOWNSHIP'], 'Resolving an objection');
        const objection = state.objections.find((o) => o.id === objectionId);
        if (!objection) refuse(RoundError.NOT_FOUND, `Objection ${objectionId} is not part of this round.`);
        if (objection.status !== 'OPEN')
          refuse(RoundError.WRONG_STAGE, `Objection ${objectionId} is already ${objection.status.toLowerCase()}.`);
        if (withdrawProposal && decision !== 'UPHELD')
          refuse(RoundError.INVALID, 'Only an upheld objection can withdraw a proposal.');
        if (withdrawProposal && objection.proposalId === undefined) {
          refuse(RoundError.INVALID, 'This objection names no proposal, so there is none to withdraw.');
        }
        if (withdrawProposal && objection.proposalId !== undefined) requireOnList(objection.proposalId);
      }),
    },
  );

  setHandler(
    townshipReviewUpdate,
    async ({ actor, decision, rejected = [], verification = [], note }) => {
      busy = true;
      try {
        return await serial(async () => {
          const at = Date.now();
          const seq = ++state.seq;
          if (decision === 'RETURN') {
            const patch = stagePatch('VILLAGE_ASSESSMENT', at);
            const superseded = current().map((p) => p.id);
            await persist(
              {
                decision: {
                  seq,
                  stage: 'TOWNSHIP_REVIEW',
                  kind: 'TOWNSHIP_REVIEW',
                  actor,
                  decision,
                  note,
                  payload: { returnTo: 'VILLAGE_ASSESSMENT', verification },
                },
                round: patch,
                proposalStatus: [{ ids: superseded, status: 'SUPERSEDED', reason: note }],
              },
              at,
            );
            for (const p of current()) p.status = 'SUPERSEDED';
            state.lastReturn = { from: 'TOWNSHIP_REVIEW', to: 'VILLAGE_ASSESSMENT', reason: note, at: iso(at) };
            commitStage(patch);
            return result(seq);
          }
          const rejectedIds = new Set(rejected.map((r) => r.proposalId));
          const approved = current().filter((p) => !rejectedIds.has(p.id));
          const version = ++state.noticeVersion;
          const patch = stagePatch('SECOND_PUBLICITY', at);
          await persist(
            {
              decision: {
                seq,
                stage: 'TOWNSHIP_REVIEW',
                kind: 'TOWNSHIP_REVIEW',
                actor,
                decision,
                note,
                payload: { rejected, verification },
              },
              round: patch,
              proposalStatus: rejected.map((r) => ({
                ids: [r.proposalId],
                status: 'REJECTED' as const,
                reason: r.reason,
              })),
              notice: {
                version,
                kind: 'SECOND_PUBLICITY',
                startsAt: patch.stageEnteredAt,
                endsAt: patch.publicityEndsAt,
                proposalIds: approved.map((p) => p.id),
              },
            },
            at,
          );
          for (const p of current()) if (rejectedIds.has(p.id)) p.status = 'REJECTED';
          commitStage(patch);
          return result(seq, version);
        });
      } finally {
        busy = false;
      }
    },
    {
      validator: checked<[TownshipReviewUpdate]>(({ actor, decision, rejected = [], verification = [] }) => {
        requireStage('TOWNSHIP_REVIEW');
        requireRole(actor, ['TOWNSHIP'], 'The township review');
        if (decision === 'RETURN' && rejected.length > 0)
          refuse(RoundError.INVALID, 'A return rejects the whole list; name no single rejections.');
        const seen = new Set<string>();
        for (const r of rejected) {
          requireOnList(r.proposalId);
          if (seen.has(r.proposalId)) refuse(RoundError.INVALID, `Proposal ${r.proposalId} is rejected twice.`);
          seen.add(r.proposalId);
        }
        for (const v of verification) requireOnList(v.proposalId);
      }),
    },
  );

  setHandler(
    countyAnnouncementUpdate,
    async ({ actor, decision, returnTo, note }) => {
      busy = true;
      try {
        return await serial(async () => {
          const at = Date.now();
          const seq = ++state.seq;
          if (decision === 'RETURN') {
            const to = returnTo ?? 'TOWNSHIP_REVIEW';
            const patch = stagePatch(to, at);
            const superseded = to === 'VILLAGE_ASSESSMENT' ? current().map((p) => p.id) : [];
            await persist(
              {
                decision: {
                  seq,
                  stage: 'COUNTY_ANNOUNCEMENT',
                  kind: 'COUNTY_ANNOUNCEMENT',
                  actor,
                  decision,
                  note,
                  payload: { returnTo: to },
                },
                round: patch,
                proposalStatus: superseded.length
                  ? [{ ids: superseded, status: 'SUPERSEDED', reason: note }]
                  : undefined,
              },
              at,
            );
            if (to === 'VILLAGE_ASSESSMENT') for (const p of current()) p.status = 'SUPERSEDED';
            state.lastReturn = { from: 'COUNTY_ANNOUNCEMENT', to, reason: note, at: iso(at) };
            commitStage(patch);
            return result(seq);
          }
          const announced = current().map((p) => p.id);
          const version = ++state.noticeVersion;
          const patch = stagePatch('COMPLETED', at);
          await persist(
            {
              decision: {
                seq,
                stage: 'COUNTY_ANNOUNCEMENT',
                kind: 'COUNTY_ANNOUNCEMENT',
                actor,
                decision,
                note,
                payload: { announced: announced.length },
              },
              round: { ...patch, status: 'COMPLETED' },
              notice: { version, kind: 'ANNOUNCEMENT', startsAt: iso(at), endsAt: null, proposalIds: announced },
              proposalStatus: [{ ids: announced, status: 'APPLIED' }],
              applyRegistry: { proposalIds: announced },
            },
            at,
          );
          for (const p of current()) p.status = 'APPLIED';
          state.status = 'COMPLETED';
          commitStage(patch);
          return result(seq, version);
        });
      } finally {
        busy = false;
      }
    },
    {
      validator: checked<[CountyAnnouncementUpdate]>(({ actor, decision, returnTo }) => {
        requireStage('COUNTY_ANNOUNCEMENT');
        requireRole(actor, ['COUNTY'], 'The county announcement');
        if (decision === 'ANNOUNCE' && returnTo !== undefined)
          refuse(RoundError.INVALID, 'returnTo belongs to a RETURN.');
      }),
    },
  );

  /** Cancels the round; shared by the cancel update (an official) and the cancel signal (a campaign). */
  async function cancel(actor: Actor, reason: string): Promise<DecisionResult> {
    return serial(async () => {
      if (state.status !== 'OPEN') return result(state.seq);
      const at = Date.now();
      const seq = ++state.seq;
      const open = openObjections().map((o) => o.id);
      await persist(
        {
          decision: {
            seq,
            stage: state.stage,
            kind: 'ROUND_CANCELLED',
            actor,
            note: reason,
            payload: { openObjections: open },
          },
          round: { status: 'CANCELLED', stageDeadline: null, publicityEndsAt: null, overdueSince: null },
        },
        at,
      );
      state.status = 'CANCELLED';
      // Added after histories were recorded: patched() keeps those replaying.
      if (patched('cancelled-stage-attribute')) upsertSearchAttributes([{ key: STAGE_KEY, value: 'CANCELLED' }]);
      describe();
      epoch++;
      return result(seq);
    });
  }

  setHandler(
    cancelRoundUpdate,
    async ({ actor, reason }) => {
      busy = true;
      try {
        return await cancel(actor, reason);
      } finally {
        busy = false;
      }
    },
    {
      validator: checked<[CancelUpdate]>(({ actor }) => {
        requireOpen();
        if (busy) refuse(RoundError.BUSY, 'Another decision on this round is being recorded.');
        requireRole(actor, ['COUNTY', 'ADMIN'], 'Cancelling a round');
      }),
    },
  );

  // A campaign cancels its rounds without waiting for an answer; a closed round ignores it.
  setHandler(cancelRoundSignal, ({ actor, reason }) => {
    if (state.status === 'OPEN') void cancel(actor, reason);
  });

  // The supervision sweep escalates a finding to the round: it joins the round's trail (once per finding).
  setHandler(supervisionFindingSignal, ({ findingId, kind, detail }) => {
    if (state.status !== 'OPEN' || state.findings.includes(findingId)) return;
    state.findings.push(findingId);
    void serial(async () => {
      const at = Date.now();
      const seq = ++state.seq;
      await persist(
        { decision: { seq, stage: state.stage, kind: 'SUPERVISION_FINDING', payload: { findingId, kind, detail } } },
        at,
      );
    });
  });

  // ---- the procedure ------------------------------------------------------------------------------

  upsertSearchAttributes([
    { key: VILLAGE_KEY, value: input.villageCode },
    { key: TOWNSHIP_KEY, value: input.townshipCode },
    { key: STAGE_KEY, value: state.stage },
    ...(input.campaignId ? [{ key: CAMPAIGN_KEY, value: input.campaignId }] : []),
  ]);
  await serial(async () => {
    const at = Date.now();
    const seq = ++state.seq;
    const patch = stagePatch('VILLAGE_ASSESSMENT', at);
    await persist(
      {
        decision: {
          seq,
          stage: 'VILLAGE_ASSESSMENT',
          kind: 'ROUND_STARTED',
          actor: input.startedBy,
          payload: { policy: input.policy },
        },
        create: input,
        round: patch,
      },
      at,
    );
    commitStage(patch);
    opened = true;
  });

  while (state.status === 'OPEN') {
    const seen = epoch;
    const now = Date.now();
    const waits: number[] = [];
    if (isPublicity() && !busy) {
      const end = Date.parse(state.publicityEndsAt!);
      if (now >= end && openObjections().length === 0 && objectionsInFlight === 0) {
        closing = true;
        await serial(async () => {
          const at = Date.now();
          const seq = ++state.seq;
          const patch = stagePatch(stageAfterPublicity(state.stage), at);
          await persist(
            {
              decision: {
                seq,
                stage: state.stage,
                kind: 'PUBLICITY_ENDED',
                payload: { noticeVersion: state.noticeVersion },
              },
              round: patch,
            },
            at,
          );
          commitStage(patch);
        });
        closing = false;
        continue;
      }
      if (now < end) waits.push(end - now);
    }
    const deadline = Date.parse(state.stageDeadline);
    if (!state.reminded && !busy) {
      if (now >= deadline) {
        await serial(async () => {
          const at = Date.now();
          const seq = ++state.seq;
          const waitingOn = STAGE_ACTOR[state.stage as OpenStage];
          await persist(
            {
              decision: {
                seq,
                stage: state.stage,
                kind: 'DEADLINE_REMINDER',
                payload: { deadline: state.stageDeadline, waitingOn, openObjections: openObjections().length },
              },
              round: { overdueSince: iso(at) },
            },
            at,
          );
          state.reminded = true;
          describe();
        });
        continue;
      }
      waits.push(deadline - now);
    }
    if (waits.length > 0) await condition(() => epoch !== seen, Math.max(1, Math.min(...waits)));
    else await condition(() => epoch !== seen);
  }

  await condition(allHandlersFinished);
  return state;
}
