// How the round and exit workflows persist their steps: one activity policy (never give up: a database outage only
// delays a step), ISO times, and writes in the order they were asked for. No commands of its own: moving these here
// changes no history.
import type { ActivityOptions } from '@temporalio/workflow';
import { NON_RETRYABLE_ERROR_TYPES } from './round-contract';

/**
 * The persistence activities' options: longer than the transaction's own limits (10 s to start, 30 s to run), short
 * enough that a crashed worker's step is retried elsewhere quickly; retried without limit.
 */
export const PERSISTENCE_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '45 seconds',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
};

export const iso = (ms: number) => new Date(ms).toISOString();

/**
 * An update handler's write waits for the ones queued before it, and a failed write does not stop the ones after it
 * (its caller sees the failure).
 */
export class SerialQueue {
  private chain: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every function queued before it. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
