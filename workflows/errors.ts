import { ApplicationFailure } from '@temporalio/workflow';

/** Failure types a round raises; decisions refused by a validator carry one of these. */
export const RoundError = {
  WRONG_STAGE: 'WrongStage',
  NOT_ALLOWED: 'NotAllowed',
  BUSY: 'DecisionInProgress',
  INVALID: 'InvalidDecision',
  NOT_FOUND: 'NotFound',
  CLOSED: 'RoundClosed',
} as const;
export type RoundErrorType = (typeof RoundError)[keyof typeof RoundError];

export const NON_RETRYABLE_ERROR_TYPES: string[] = Object.values(RoundError);

export function refuse(type: RoundErrorType, message: string, details?: Record<string, unknown>): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true, details: details ? [details] : undefined });
}
