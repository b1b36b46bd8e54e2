// The Temporal runtime of a process (one per process: Runtime.install may be called once): its log lines go through
// the service's logger (JSON or pretty, redacted), and with WORKER_METRICS_PORT Core's metrics are served to
// Prometheus on that port (GET /metrics).
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { ConfigError, type Config } from './config';
import type { Level, Logger } from './logger';

const LEVELS: Record<LogEntry['level'], Level> = {
  TRACE: 'debug',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

export type RuntimeConfig = Pick<Config, 'LOG_LEVEL' | 'WORKER_METRICS_PORT' | 'WORKER_METRICS_HOST'>;

/** The address Core's Prometheus exporter binds, or undefined when worker metrics are off. */
export function workerMetricsAddress(config: RuntimeConfig): string | undefined {
  if (config.WORKER_METRICS_PORT === undefined) return undefined;
  const host = config.WORKER_METRICS_HOST.includes(':')
    ? `[${config.WORKER_METRICS_HOST}]`
    : config.WORKER_METRICS_HOST;
  return `${host}:${config.WORKER_METRICS_PORT}`;
}

export function installRuntime(config: RuntimeConfig, logger: Logger): Runtime {
  const bindAddress = workerMetricsAddress(config);
  try {
    return install(config, logger, bindAddress);
  } catch (err) {
    if (!bindAddress) throw err;
    throw new ConfigError(
      `Cannot serve worker metrics on ${bindAddress} (WORKER_METRICS_PORT, WORKER_METRICS_HOST): ${(err as Error).message}. ` +
        'Fix: set WORKER_METRICS_PORT to a free port (one per worker process) or unset it.',
      { cause: err },
    );
  }
}

function install(config: RuntimeConfig, logger: Logger, bindAddress: string | undefined): Runtime {
  return Runtime.install({
    // The SDK's own chatter stays at WARN unless the service logs at debug.
    logger: new DefaultLogger(config.LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN', (entry) =>
      logger[LEVELS[entry.level]](entry.message, entry.meta),
    ),
    ...(bindAddress && {
      telemetryOptions: {
        metrics: {
          // Prometheus conventions: durations in seconds with a unit suffix, counters ending in _total.
          prometheus: { bindAddress, useSecondsForDurations: true, unitSuffix: true, countersTotalSuffix: true },
        },
      },
    }),
  });
}
