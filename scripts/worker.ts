// A Temporal worker for the rounds task queue (run as many as you like against one Temporal cluster).
import { connectClient, connectWorker } from '../infra/bootstrap';
import { ConfigError, exitWithStartupError, loadConfig } from '../infra/config';
import { createPrisma } from '../infra/db';
import { checkDatabase } from '../infra/postgres';
import { createWorker, workerTuning } from '../infra/worker';
import { ensureSupervisionSchedule, supervisionScheduleOptions } from '../infra/schedule';
import { workerHealthServer } from '../infra/bootstrap';
import { createLogger } from '../infra/logger';
import { installRuntime, workerMetricsAddress } from '../infra/runtime';
import { configuredDataConverter } from '../infra/payload-keys';

async function main() {
  const config = loadConfig();
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
    throw new ConfigError(
      'A standalone worker needs DATABASE_URL and TEMPORAL_ADDRESS. Fix: set both (or use `npm start`).',
    );
  }
  const dataConverter = configuredDataConverter(config);
  const logger = createLogger(config.LOG_LEVEL, undefined, { format: config.LOG_FORMAT });
  installRuntime(config, logger);
  await checkDatabase(config.DATABASE_URL);
  const prisma = createPrisma(config.DATABASE_URL);
  const connection = await connectWorker(config.TEMPORAL_ADDRESS);
  const client = await connectClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE, dataConverter);
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TASK_QUEUE,
    prisma,
    client,
    dataConverter,
    tuning: workerTuning(config),
  });
  await ensureSupervisionSchedule(client, supervisionScheduleOptions(config));
  const health = config.WORKER_HEALTH_PORT ? workerHealthServer(worker, config.WORKER_HEALTH_PORT) : undefined;
  const metricsAt = workerMetricsAddress(config);
  process.stdout.write(
    `Worker polling ${config.TASK_QUEUE} on ${config.TEMPORAL_ADDRESS}` +
      (metricsAt ? `; metrics on http://${metricsAt}/metrics` : '') +
      '\n',
  );
  // The SDK drains on SIGINT/SIGTERM; run() resolves once in-flight tasks are done.
  await worker.run();
  health?.close();
  await connection.close();
  await client.connection.close();
  await prisma.$disconnect();
}

main().catch(exitWithStartupError);
