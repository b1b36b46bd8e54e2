// The round workflow's messages: what the API, the activities and other workflows may send it, what they get
// back, and the failure types its refusals carry. No workflow body here, so importing it pulls in none.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AssessmentUpdate,
  CancelUpdate,
  CountyAnnouncementUpdate,
  DecisionResult,
  ObjectionUpdate,
  ResolutionUpdate,
  RoundState,
  SupervisionFindingSignal,
  TownshipReviewUpdate,
} from '../domain/round';

export type {
  AssessmentUpdate,
  CancelUpdate,
  CountyAnnouncementUpdate,
  DecisionResult,
  ObjectionUpdate,
  ResolutionUpdate,
  RoundState,
  SupervisionFindingSignal,
  TownshipReviewUpdate,
};

export const submitAssessmentUpdate = defineUpdate<DecisionResult, [AssessmentUpdate]>('submitAssessment');
export const fileObjectionUpdate = defineUpdate<DecisionResult & { objectionId: string }, [ObjectionUpdate]>(
  'fileObjection',
);
export const resolveObjectionUpdate = defineUpdate<DecisionResult, [ResolutionUpdate]>('resolveObjection');
export const townshipReviewUpdate = defineUpdate<DecisionResult, [TownshipReviewUpdate]>('townshipReview');
export const countyAnnouncementUpdate = defineUpdate<DecisionResult, [CountyAnnouncementUpdate]>('countyAnnouncement');
/** Answers once the round is recorded in the database, so the API can return a round that GET finds. */
export const roundOpenedUpdate = defineUpdate<DecisionResult, []>('roundOpened');
export const cancelRoundUpdate = defineUpdate<DecisionResult, [CancelUpdate]>('cancelRound');
/** A campaign cancels its rounds without waiting for an answer; a closed round ignores it. */
export const cancelRoundSignal = defineSignal<[CancelUpdate]>('cancelRoundSignal');
/** The supervision sweep escalates a finding to the round's trail (once per finding). */
export const supervisionFindingSignal = defineSignal<[SupervisionFindingSignal]>('supervisionFinding');
export const roundStateQuery = defineQuery<RoundState>('roundState');

/** Failure types a round (and a campaign) raises; decisions refused by a validator carry one of these. */
export const RoundError = {
  WRONG_STAGE: 'WrongStage',
  NOT_ALLOWED: 'NotAllowed',
  BUSY: 'DecisionInProgress',
  INVALID: 'InvalidDecision',
  NOT_FOUND: 'NotFound',
  CLOSED: 'RoundClosed',
} as const;
export type RoundErrorType = (typeof RoundError)[keyof typeof RoundError];

/** Activities that fail with one of these are not retried. */
export const NON_RETRYABLE_ERROR_TYPES: string[] = Object.values(RoundError);
