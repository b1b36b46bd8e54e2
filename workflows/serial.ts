// Writes of one workflow in the order they were asked for: an update handler's write waits for the ones queued
// before it, and a failed write does not stop the ones after it (its caller sees the failure). No commands of its
// own: moving it here changes no history.

export class SerialQueue {
  private chain: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every function queued before it. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
