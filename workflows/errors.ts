import { ApplicationFailure } from '@temporalio/workflow';
import type { RoundErrorType } from './round-contract';

/** Refuses a decision (from a validator) with one of the contract's failure types; never retried. */
export function refuse(type: RoundErrorType, message: string, details?: Record<string, unknown>): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true, details: details ? [details] : undefined });
}
