// The exit workflow's messages: what the API and tests may send it, what they get back, and the failure types its
// refusals carry (the round's, so the API maps them the same way: api/temporal-errors.ts). No workflow body here.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  ExitAnnouncementUpdate,
  ExitCancelUpdate,
  ExitDecisionResult,
  ExitObjectionUpdate,
  ExitResolutionUpdate,
  ExitState,
  ExitVerificationUpdate,
} from '../domain/exit';
import { RoundError } from './round-contract';

export type {
  ExitAnnouncementUpdate,
  ExitCancelUpdate,
  ExitDecisionResult,
  ExitObjectionUpdate,
  ExitResolutionUpdate,
  ExitState,
  ExitVerificationUpdate,
};

/** Answers once the exit is recorded in the database (its request, figures and sample), so GET finds it. */
export const exitOpenedUpdate = defineUpdate<ExitDecisionResult, []>('exitOpened');
export const verifyExitUpdate = defineUpdate<ExitDecisionResult, [ExitVerificationUpdate]>('verifyExit');
export const fileExitObjectionUpdate = defineUpdate<
  ExitDecisionResult & { objectionId: string },
  [ExitObjectionUpdate]
>('fileExitObjection');
export const resolveExitObjectionUpdate = defineUpdate<ExitDecisionResult, [ExitResolutionUpdate]>(
  'resolveExitObjection',
);
export const announceExitUpdate = defineUpdate<ExitDecisionResult, [ExitAnnouncementUpdate]>('announceExit');
export const cancelExitUpdate = defineUpdate<ExitDecisionResult, [ExitCancelUpdate]>('cancelExit');
export const exitStateQuery = defineQuery<ExitState>('exitState');

/** The exit's refusals use the round's failure types (same meaning, same HTTP mapping). */
export const ExitError = RoundError;
