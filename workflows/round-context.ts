// A round's state inside its workflow and the one way it changes: `record(...)` writes a trail entry (with
// whatever goes with it) after the writes before it, then applies it to the state the query answers. A stage
// decision is handed by its update handler (`hand`) to the step waiting at its stage, which records it (`changeOr`).
import { condition, proxyActivities, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { durationMs } from '../domain/duration';
import { STAGE_LABELS, type Stage } from '../domain/enums';
import { isObjectionStage, rulesVersion, stageTimes, type StageClock, type StageTimes } from '../domain/procedure';
import type {
  AssessmentUpdate,
  CountyAnnouncementUpdate,
  DecisionResult,
  RoundInput,
  RoundState,
  TownshipReviewUpdate,
  Transition,
} from '../domain/round';
import { refuse } from './errors';
import { RoundError } from './round-contract';
import { STAGE_KEY } from './search-attributes';
import { iso, PERSISTENCE_ACTIVITY, SerialQueue } from './serial';

// Persistence must never be lost: retried without limit (a database outage only delays the round).
const { applyTransition } = proxyActivities<ReturnType<typeof createActivities>>(PERSISTENCE_ACTIVITY);

/** What one step writes besides the round and the time: the trail entry and what goes with it. */
export type Entry = Omit<Transition, 'roundId' | 'at'>;
/** One write of the round, given its trail number and time: what to write, and what follows once written. */
export type Step<T> = (seq: number, at: number) => { entry: Entry; then?: () => T };

/** The decision each decision stage waits for, brought by its update. */
interface StageDecisions {
  VILLAGE_ASSESSMENT: AssessmentUpdate;
  TOWNSHIP_REVIEW: TownshipReviewUpdate;
  COUNTY_ANNOUNCEMENT: CountyAnnouncementUpdate;
}
export type DecisionStage = keyof StageDecisions;
/** A decision its validator accepted, for the step waiting at its stage. */
export type Handed = { [S in DecisionStage]: { stage: S; decision: StageDecisions[S] } }[DecisionStage];
/** What a step does with a decision handed to it: records it, resolving with the handler's answer. */
export type Take = (handed: Handed) => Promise<DecisionResult>;

export class Round {
  readonly state: RoundState;
  readonly clock: StageClock;
  /** The rules the round runs under (domain/procedure.ts rulesVersion): 1 without captured rules. */
  readonly version: number;
  /** A stage decision is being recorded: a second one is refused rather than queued. */
  busy = false;
  /** The publicity is being closed: no more objections. */
  closing = false;
  objectionsInFlight = 0;
  /** Bumped on every change the procedure waits on. */
  epoch = 0;
  /** The round is in the database (the roundOpened update answers then). */
  opened = false;
  // Writes happen one at a time, in the order decisions were accepted, so the trail's seq order is the
  // order of the database writes.
  private readonly queue = new SerialQueue();
  /** How the step waiting at a decision stage takes a decision handed to it (set while it waits). */
  private taker?: Take;
  /** Decisions handed over while the step was not waiting (it was recording), and how their handlers hear back. */
  private readonly handoffs: { handed: Handed; answer: (result: Promise<DecisionResult>) => void }[] = [];

  constructor(readonly input: RoundInput) {
    this.version = rulesVersion(input);
    this.clock = {
      publicityMs: durationMs(input.policy.publicityPeriod),
      deadlineMs: durationMs(input.policy.stageDeadline),
      ...(this.version >= 2
        ? { announcementMs: durationMs(input.policy.announcementPeriod ?? input.policy.publicityPeriod) }
        : {}),
    };
    this.state = {
      roundId: input.roundId,
      villageCode: input.villageCode,
      townshipCode: input.townshipCode,
      stage: 'VILLAGE_ASSESSMENT',
      status: 'OPEN',
      assessmentNo: 0,
      seq: 0,
      noticeVersion: 0,
      stageEnteredAt: iso(Date.now()),
      stageDeadline: iso(Date.now() + this.clock.deadlineMs),
      reminded: false,
      proposals: [],
      objections: [],
      findings: [],
    };
  }

  /** Runs `fn` after every write queued before it. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue.run(fn);
  }

  /**
   * Writes one trail entry when its turn comes: `step` gets the entry's number and time and returns what to write
   * with it (one transaction) and what to do once it is written (bring the state up to date, answer).
   */
  record<T = void>(step: Step<T>): Promise<T> {
    return this.serial(() => this.write(step));
  }

  /** `record` without waiting its turn: for a write already inside `serial`. */
  async write<T>(step: Step<T>): Promise<T> {
    const at = Date.now();
    const seq = ++this.state.seq;
    const { entry, then } = step(seq, at);
    await applyTransition({ roundId: this.input.roundId, at: iso(at), ...entry });
    return then?.() as T;
  }

  isOpen(): boolean {
    return this.state.status === 'OPEN';
  }

  /** The round is open and waiting at `stage`. */
  at(stage: Stage): boolean {
    return this.isOpen() && this.state.stage === stage;
  }

  /** The round is in a period that receives objections (a publicity, or the announcement period). */
  isObjectionPeriod(): boolean {
    return isObjectionStage(this.state.stage);
  }

  /** The round fields of entering `stage` at `at`; `enter` applies them to the state once written. */
  times(stage: Stage, at: number): StageTimes {
    return stageTimes(stage, at, this.clock);
  }

  enter(patch: StageTimes): void {
    const state = this.state;
    const changed = patch.stage !== state.stage;
    state.stage = patch.stage;
    state.stageEnteredAt = patch.stageEnteredAt;
    state.stageDeadline = patch.stageDeadline ?? state.stageDeadline;
    state.publicityEndsAt = patch.publicityEndsAt ?? undefined;
    state.reminded = false;
    if (changed) upsertSearchAttributes([{ key: STAGE_KEY, value: patch.stage }]);
    this.describe();
    this.epoch++;
  }

  /**
   * Once a return from `from` to `to` is written: a list sent back to the village is superseded (it assesses afresh),
   * the return is noted with its reason, and the round enters `to` (`patch`, from `times`).
   */
  returned(from: Stage, to: Stage, reason: string, at: number, patch: StageTimes): void {
    if (to === 'VILLAGE_ASSESSMENT') for (const p of this.current()) p.status = 'SUPERSEDED';
    this.state.lastReturn = { from, to, reason, at: iso(at) };
    this.enter(patch);
  }

  /**
   * Completing the round at `at` with the current list applied to the registry (once per round): what the step
   * writes, and `apply` to bring the state up to date once it is written.
   */
  completion(at: number) {
    const announced = this.current().map((p) => p.id);
    const patch = this.times('COMPLETED', at);
    return {
      announced,
      round: { ...patch, status: 'COMPLETED' as const },
      proposalStatus: [{ ids: announced, status: 'APPLIED' as const }],
      applyRegistry: { proposalIds: announced },
      apply: () => {
        for (const p of this.current()) p.status = 'APPLIED';
        this.state.status = 'COMPLETED';
        this.enter(patch);
      },
    };
  }

  /** Proposals on the current list. */
  current() {
    return this.state.proposals.filter((p) => p.status === 'PROPOSED');
  }

  /** Objections that still hold a publicity open. */
  openObjections() {
    return this.state.objections.filter((o) => o.status === 'OPEN' || o.status === 'RESOLVING');
  }

  result(seq: number, noticeVersion?: number): DecisionResult {
    return { roundId: this.input.roundId, stage: this.state.stage, seq, noticeVersion };
  }

  /**
   * An update handler's half of a stage decision: in its turn among the writes (after those accepted before it,
   * before those after it), hands the accepted decision to the step waiting at its stage and resolves with the
   * step's answer. The turn is held until then, so nothing else is written in between.
   */
  hand(handed: Handed): Promise<DecisionResult> {
    return this.serial(() => {
      // The step takes it only at its stage of an open, recorded round. What can move the round off meanwhile is a
      // cancellation accepted before it (the campaign's signal); a decision let in before the round was recorded
      // would otherwise hold its turn ahead of the round's own first write.
      const { status, stage } = this.state;
      if (status !== 'OPEN') refuse(RoundError.CLOSED, `The round is ${status.toLowerCase()}.`);
      if (!this.opened || stage !== handed.stage)
        refuse(RoundError.WRONG_STAGE, `The round is not waiting for this decision (at ${stage}).`, { stage });
      // The step waiting at the stage records it at once, where the handler's own write used to start.
      if (this.taker) return this.taker(handed);
      // The step is still recording (the end of a publicity, a reminder): it takes the decision when it waits.
      return new Promise<DecisionResult>((resolve, reject) => {
        this.handoffs.push({ handed, answer: (result) => void result.then(resolve, reject) });
      });
    });
  }

  /**
   * Waits until something the procedure waits on changes, or at most the shortest of `waits` (ms). A decision
   * stage passes `take`: while it waits, a decision handed over is recorded by it and answered, and the wait and
   * its timer go on untouched, ended (the timer cancelled) by the change the decision's write brings, as when the
   * handlers recorded decisions themselves. The recorded histories replay only with this order of commands.
   */
  async changeOr(seen: number, waits: number[], take?: Take): Promise<void> {
    const changed =
      waits.length > 0
        ? condition(() => this.epoch !== seen, Math.max(1, Math.min(...waits)))
        : condition(() => this.epoch !== seen);
    if (!take) {
      await changed;
      return;
    }
    this.taker = take;
    try {
      for (let next = this.handoffs.shift(); next; next = this.handoffs.shift()) next.answer(take(next.handed));
      await changed;
    } finally {
      if (this.taker === take) this.taker = undefined;
    }
  }

  /** The workflow's summary in the Temporal UI. */
  describe(): void {
    const state = this.state;
    const lines = [
      `**${STAGE_LABELS[state.stage]}** (${state.stage}) · ${state.status}`,
      `Village ${state.villageCode} · round ${this.input.roundNo}`,
      state.stage === 'COMPLETED' ? '' : `Deadline ${state.stageDeadline}${state.reminded ? ' · **OVERDUE**' : ''}`,
      state.publicityEndsAt
        ? `Publicity until ${state.publicityEndsAt} · open objections ${this.openObjections().length}`
        : '',
      `Proposals on the list: ${this.current().length}`,
      state.lastReturn
        ? `Last return: ${state.lastReturn.from} → ${state.lastReturn.to}: ${state.lastReturn.reason}`
        : '',
    ];
    setCurrentDetails(lines.filter(Boolean).join('\n\n'));
  }
}
