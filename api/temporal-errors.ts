import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { RoundError } from '../workflows/round-contract';
import { HttpProblem, type ProblemCode } from './problem';

/** Status, title and problem code of each failure type a round's validator raises. */
const REFUSALS: Record<string, { status: number; title: string; code: ProblemCode }> = {
  [RoundError.NOT_ALLOWED]: { status: 403, title: 'Forbidden', code: 'FORBIDDEN' },
  [RoundError.NOT_FOUND]: { status: 404, title: 'Not Found', code: 'NOT_FOUND' },
  [RoundError.INVALID]: { status: 422, title: 'Unprocessable Content', code: 'INVALID_DECISION' },
  [RoundError.WRONG_STAGE]: { status: 409, title: 'Conflict', code: 'WRONG_STAGE' },
  [RoundError.BUSY]: { status: 409, title: 'Conflict', code: 'DECISION_IN_PROGRESS' },
  [RoundError.CLOSED]: { status: 409, title: 'Conflict', code: 'ROUND_CLOSED' },
};

/** Maps what Temporal answers to an HTTP problem; the original error stays as `cause`. */
export function toProblem(err: unknown): unknown {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const f = err.cause;
    const { status, title, code } = REFUSALS[f.type ?? ''] ?? { status: 409, title: 'Conflict', code: 'CONFLICT' };
    return new HttpProblem(status, title, f.message, f.type ? { reason: f.type } : {}, { cause: err, code });
  }
  if (err instanceof WorkflowNotFoundError) {
    return new HttpProblem(
      404,
      'Not Found',
      'The round is not running.',
      {},
      { cause: err, code: 'ROUND_NOT_RUNNING' },
    );
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return new HttpProblem(409, 'Conflict', 'That round already exists.', {}, { cause: err, code: 'ALREADY_EXISTS' });
  }
  const message = (err as Error)?.message ?? '';
  if (/workflow execution already completed/i.test(message)) {
    return new HttpProblem(409, 'Conflict', 'The round is already closed.', {}, { cause: err, code: 'ROUND_CLOSED' });
  }
  return err;
}
