// The HTTP API on its own (containers): needs DATABASE_URL and TEMPORAL_ADDRESS.
import { createApp } from '../api/app';
import { connectClient } from '../infra/bootstrap';
import { ConfigError, exitWithStartupError, loadConfig, rulesSettings } from '../infra/config';
import { createPrisma } from '../infra/db';
import { createLogger } from '../infra/logger';
import { checkDatabase } from '../infra/postgres';
import { assertPortFree } from '../infra/temporal-server';
import { supervisionSettings } from '../infra/schedule';
import { configuredDataConverter } from '../infra/payload-keys';

async function main() {
  const config = loadConfig();
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
    throw new ConfigError(
      'A standalone API needs DATABASE_URL and TEMPORAL_ADDRESS. Fix: set both (or use `npm start`).',
    );
  }
  const dataConverter = configuredDataConverter(config);
  await assertPortFree(config.API_PORT, 'API_PORT', config.API_HOST);
  await checkDatabase(config.DATABASE_URL);
  const prisma = createPrisma(config.DATABASE_URL);
  const client = await connectClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE, dataConverter);
  const logger = createLogger(config.LOG_LEVEL, undefined, { format: config.LOG_FORMAT });
  const app = createApp({
    prisma,
    client,
    taskQueue: config.TASK_QUEUE,
    logger,
    bodyLimit: config.API_BODY_LIMIT,
    supervision: supervisionSettings(config),
    rules: rulesSettings(config),
    codecOrigins: config.CODEC_CORS_ORIGINS,
    credentialCacheMs: config.AUTH_CACHE_MS,
    inboxMemory: config.INBOX_MEMORY,
    serverTiming: config.SERVER_TIMING,
  });
  const server = app.listen(config.API_PORT, config.API_HOST, () => {
    process.stdout.write(
      `API listening on http://${config.API_HOST}:${config.API_PORT}/api/v1 (metrics: GET /metrics, no token)\n`,
    );
  });
  const stop = () => {
    server.close(() => {
      void client.connection
        .close()
        .then(() => prisma.$disconnect())
        .then(() => process.exit(0));
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(exitWithStartupError);
