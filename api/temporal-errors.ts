import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { RoundError } from '../workflows/round-contract';
import { HttpProblem } from './problem';

/** Maps what Temporal answers to an HTTP problem; the original error stays as `cause`. */
export function toProblem(err: unknown): unknown {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const f = err.cause;
    const status =
      f.type === RoundError.NOT_ALLOWED
        ? 403
        : f.type === RoundError.NOT_FOUND
          ? 404
          : f.type === RoundError.INVALID
            ? 422
            : 409;
    const title =
      status === 403
        ? 'Forbidden'
        : status === 404
          ? 'Not Found'
          : status === 422
            ? 'Unprocessable Content'
            : 'Conflict';
    return new HttpProblem(status, title, f.message, { reason: f.type }, { cause: err });
  }
  if (err instanceof WorkflowNotFoundError) {
    return new HttpProblem(404, 'Not Found', 'The round is not running.', {}, { cause: err });
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return new HttpProblem(409, 'Conflict', 'That round already exists.', {}, { cause: err });
  }
  const message = (err as Error)?.message ?? '';
  if (/workflow execution already completed/i.test(message)) {
    return new HttpProblem(409, 'Conflict', 'The round is already closed.', {}, { cause: err });
  }
  return err;
}
