// An exit's state inside its workflow and the one way it changes: `record(...)` writes a step (one transaction,
// idempotent on its seq) after the writes before it, then applies it to the state the query answers.
import { proxyActivities, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { durationMs } from '../domain/duration';
import {
  EXIT_STAGE_LABELS,
  type ExitDecisionResult,
  type ExitInput,
  type ExitStage,
  type ExitState,
  type ExitStatus,
  type ExitStep,
} from '../domain/exit';
import { STAGE_KEY } from './search-attributes';
import { iso, PERSISTENCE_ACTIVITY, SerialQueue } from './serial';

// Persistence must never be lost: retried without limit (a database outage only delays the exit).
export const exitActivities = proxyActivities<ReturnType<typeof createActivities>>(PERSISTENCE_ACTIVITY);

export type StepWrite = Omit<ExitStep, 'exitId' | 'at'>;
/** One write of the exit, given its trail number and time: what to write, and what follows once written. */
export type Step<T> = (seq: number, at: number) => { step: StepWrite; then?: () => T };

/** The exit row's fields on entering a stage. */
export interface StageFields {
  stage: ExitStage;
  stageEnteredAt: string;
  stageDeadline: string | null;
  publicityEndsAt: string | null;
}

export class ExitRun {
  readonly state: ExitState;
  readonly publicityMs: number;
  readonly deadlineMs: number;
  /** A step decision is being recorded: a second one is refused rather than queued. */
  busy = false;
  /** The publicity's end is being written: no more objections; an announcement is already welcome. */
  publicityClosing = false;
  objectionsInFlight = 0;
  /** Bumped on every change the procedure waits on. */
  epoch = 0;
  /** The exit is in the database (exitOpened answers then). */
  opened = false;
  private readonly queue = new SerialQueue();

  constructor(readonly input: ExitInput) {
    this.publicityMs = durationMs(input.policy.publicityPeriod);
    this.deadlineMs = durationMs(input.policy.stageDeadline);
    this.state = {
      exitId: input.exitId,
      level: input.level,
      code: input.code,
      year: input.year,
      stage: 'COUNTY_VERIFICATION',
      status: 'OPEN',
      seq: 0,
      sample: [],
      stageEnteredAt: iso(Date.now()),
      objections: [],
    };
  }

  /** Runs `fn` after every write queued before it. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue.run(fn);
  }

  /** Writes one step when its turn comes, then brings the state up to date. */
  record<T = void>(step: Step<T>): Promise<T> {
    return this.serial(() => this.write(step));
  }

  async write<T>(step: Step<T>): Promise<T> {
    const at = Date.now();
    const seq = ++this.state.seq;
    const { step: write, then } = step(seq, at);
    await exitActivities.applyExitStep({ exitId: this.input.exitId, at: iso(at), ...write });
    return then?.() as T;
  }

  isOpen(): boolean {
    return this.state.status === 'OPEN';
  }

  at(stage: ExitStage): boolean {
    return this.isOpen() && this.state.stage === stage;
  }

  /** The row's fields of entering `stage` at `at`: a publicity runs for the policy's period, then the deadline. */
  times(stage: ExitStage, at: number): StageFields {
    const publicityEndsAt = stage === 'PUBLICITY' ? at + this.publicityMs : undefined;
    return {
      stage,
      stageEnteredAt: iso(at),
      stageDeadline: iso((publicityEndsAt ?? at) + this.deadlineMs),
      publicityEndsAt: publicityEndsAt === undefined ? null : iso(publicityEndsAt),
    };
  }

  enter(patch: StageFields): void {
    const changed = patch.stage !== this.state.stage;
    this.state.stage = patch.stage;
    this.state.stageEnteredAt = patch.stageEnteredAt;
    this.state.publicityEndsAt = patch.publicityEndsAt ?? undefined;
    if (changed) upsertSearchAttributes([{ key: STAGE_KEY, value: patch.stage }]);
    this.describe();
    this.epoch++;
  }

  /** The row's fields of ending the exit: REJECTED and COMPLETED are stages too; a cancelled exit keeps its stage. */
  closing(status: Exclude<ExitStatus, 'OPEN'>, at: number): StepWrite['exit'] {
    const stage = status === 'CANCELLED' ? undefined : (status as ExitStage);
    return {
      ...(stage ? { stage, stageEnteredAt: iso(at) } : {}),
      status,
      stageDeadline: null,
      publicityEndsAt: null,
      finished: true,
    };
  }

  close(status: Exclude<ExitStatus, 'OPEN'>, stage: ExitStage | undefined, at: number): void {
    this.state.status = status;
    if (stage) {
      this.state.stage = stage;
      this.state.stageEnteredAt = iso(at);
    }
    this.state.publicityEndsAt = undefined;
    upsertSearchAttributes([{ key: STAGE_KEY, value: status === 'CANCELLED' ? 'CANCELLED' : this.state.stage }]);
    this.describe();
    this.epoch++;
  }

  openObjections() {
    return this.state.objections.filter((o) => o.status === 'OPEN' || o.status === 'RESOLVING');
  }

  result(seq: number): ExitDecisionResult {
    return { exitId: this.input.exitId, stage: this.state.stage, status: this.state.status, seq };
  }

  /** The workflow's summary in the Temporal UI (codes and counts only, nothing personal). */
  describe(): void {
    const s = this.state;
    const lines = [
      `**${EXIT_STAGE_LABELS[s.stage]}** (${s.stage}) · ${s.status}`,
      `${s.level} ${s.code} · exit of ${s.year}`,
      `Sample: ${s.sample.length} households`,
      s.publicityEndsAt ? `Publicity until ${s.publicityEndsAt} · open objections ${this.openObjections().length}` : '',
    ];
    setCurrentDetails(lines.filter(Boolean).join('\n\n'));
  }
}
