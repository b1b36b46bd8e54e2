// Orderly shutdown of an entry point that starts several things (`npm start`, `npm run cluster`): each start
// registers its stop; Ctrl-C (which reaches the whole process group, PostgreSQL and Temporal too) runs them in
// reverse order inside async-exit-hook's hook, so the process exits only after all of them.
import exitHook from 'async-exit-hook';

export interface Shutdown {
  /** Registers a stop; stops run last-registered first. */
  add(stop: () => Promise<unknown>): void;
  /** True once stopping has begun (Ctrl-C or a failed start-up). */
  readonly stopping: boolean;
  /** A failed start-up: runs every stop registered so far, ignoring their failures. */
  abort(): Promise<void>;
}

export function handleShutdown(options: {
  say: (line: string) => void;
  /** Reports a stop that failed; the other stops still run. */
  stopFailed: (err: Error) => void;
  /** After the last stop, before the process exits. */
  stopped?: () => void;
  /** The process exits after this long even if a stop hangs. */
  forceExitAfterMs: number;
}): Shutdown {
  const stops: Array<() => Promise<unknown>> = [];
  let stopping = false;
  const runStops = async (failed: (err: Error) => void) => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(failed);
  };
  exitHook((done?: () => void) => {
    stopping = true;
    // On a plain process.exit() the hook runs synchronously, without `done`: nothing is left to stop then.
    if (stops.length === 0 || !done) return done?.();
    options.say('\nStopping...');
    void (async () => {
      await runStops(options.stopFailed);
      options.stopped?.();
      options.say('Stopped.');
      done();
    })();
  });
  exitHook.forceExitTimeout(options.forceExitAfterMs);
  return {
    add: (stop) => void stops.push(stop),
    get stopping() {
      return stopping;
    },
    async abort() {
      stopping = true;
      await runStops(() => undefined);
    },
  };
}
