// `npm start`: the whole stack on embedded defaults — PostgreSQL (embedded unless DATABASE_URL), migrations,
// the demo seed, a Temporal dev server with its Web UI (unless TEMPORAL_ADDRESS), a worker and the API.
// Ctrl-C stops everything; state lives under DATA_DIR, so a restart resumes every round and timer.
import type { Server } from 'node:http';
import type { DataConverter } from '@temporalio/common';
import { createApp } from '../api/app';
import { connectClient, connectWorker, openAppDatabase } from '../infra/bootstrap';
import { exitWithStartupError, loadConfig, rulesSettings, type Config } from '../infra/config';
import { createLogger } from '../infra/logger';
import { installRuntime, workerMetricsAddress } from '../infra/runtime';
import { handleShutdown } from '../infra/shutdown';
import { ensureTemporalCli } from '../infra/temporal-cli';
import { assertPortFree, startDevServer, type DevServer } from '../infra/temporal-server';
import { createWorker, workerTuning } from '../infra/worker';
import { configuredDataConverter } from '../infra/payload-keys';
import { ensureSupervisionSchedule, supervisionScheduleOptions, supervisionSettings } from '../infra/schedule';

async function main() {
  let config: Config;
  let dataConverter: DataConverter;
  try {
    config = loadConfig();
    // The embedded demo makes its own key once (DATA_DIR/payload-keys); against a configured Temporal, keys are
    // configuration like any other.
    dataConverter = configuredDataConverter(config, { generate: !config.TEMPORAL_ADDRESS });
  } catch (err) {
    exitWithStartupError(err);
  }
  const logger = createLogger(config.LOG_LEVEL, undefined, { format: config.LOG_FORMAT });
  const say = (line: string) => process.stdout.write(line + '\n');
  const shutdown = handleShutdown({
    say,
    stopFailed: (err) => logger.warn('stop failed', { error: err.message }),
    forceExitAfterMs: 30_000,
  });

  try {
    // One process: Core's worker metrics on WORKER_METRICS_PORT (its own server), the API's on GET /metrics.
    installRuntime(config, logger);
    // Fail fast, before starting anything, when a port we need is taken.
    await assertPortFree(config.API_PORT, 'API_PORT', config.API_HOST);
    let temporalCli: string | undefined;
    if (!config.TEMPORAL_ADDRESS) temporalCli = ensureTemporalCli(say);

    const { db, seeded } = await openAppDatabase(config, say);
    shutdown.add(() => db.stop());

    let address = config.TEMPORAL_ADDRESS;
    let dev: DevServer | undefined;
    if (!address) {
      say(`Temporal: starting the dev server (state in ${config.dataDir}/temporal.db)...`);
      dev = await startDevServer({
        cli: temporalCli!,
        dataDir: config.dataDir,
        port: config.TEMPORAL_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        namespace: config.TEMPORAL_NAMESPACE,
        codecEndpoint: `${apiOrigin(config)}/codec`,
      });
      shutdown.add(() => dev!.stop());
      address = dev.address;
    }

    const client = await connectClient(address, config.TEMPORAL_NAMESPACE, dataConverter);
    shutdown.add(() => client.connection.close());
    const workerConnection = await connectWorker(address);
    shutdown.add(() => workerConnection.close());
    const worker = await createWorker({
      connection: workerConnection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TASK_QUEUE,
      prisma: db.prisma,
      client,
      dataConverter,
      tuning: workerTuning(config),
    });
    const running = worker.run();
    shutdown.add(async () => {
      // The SDK also reacts to SIGINT/SIGTERM by draining; shut down only if it has not begun.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    running.catch((err: Error) => {
      logger.error('worker stopped', { error: err.message });
      process.kill(process.pid, 'SIGTERM');
    });
    await ensureSupervisionSchedule(client, supervisionScheduleOptions(config));

    const app = createApp({
      prisma: db.prisma,
      client,
      taskQueue: config.TASK_QUEUE,
      logger,
      bodyLimit: config.API_BODY_LIMIT,
      supervision: supervisionSettings(config),
      rules: rulesSettings(config),
      codecOrigins: config.CODEC_CORS_ORIGINS,
      credentialCacheMs: config.AUTH_CACHE_MS,
      inboxMemory: config.INBOX_MEMORY,
    });
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(config.API_PORT, config.API_HOST, () => resolve(s)).once('error', reject);
    });
    shutdown.add(() => new Promise((r) => server.close(r)));

    const apiUrl = `${apiOrigin(config)}/api/v1`;
    say('');
    say('Jingzhun is running.');
    say(`  API:          ${apiUrl}   (health: ${apiUrl}/health)`);
    say(
      `  Temporal:     ${address}${dev ? `   Web UI: ${dev.uiUrl}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows` : ''}`,
    );
    say(`  Task queue:   ${config.TASK_QUEUE}`);
    say(
      `  Codec server: ${apiOrigin(config)}/codec   (ADMIN only; payloads in Temporal are encrypted, README: Privacy)`,
    );
    const metricsAt = workerMetricsAddress(config);
    say(`  Metrics:      ${apiOrigin(config)}/metrics` + (metricsAt ? `   worker: http://${metricsAt}/metrics` : ''));
    if (seeded) {
      say(
        `  Demo county:  秦安县 620522 — ${seeded.townships} townships, ${seeded.villages} villages, ${seeded.households} households`,
      );
      say('  Act as a demo official with its bearer token:');
      for (const o of seeded.officials)
        say(`    ${o.role.padEnd(8)} ${o.scopeCode.padEnd(12)} Authorization: Bearer ${o.token}`);
      say(`  e.g. curl -H 'Authorization: Bearer demo-county' ${apiUrl}/me`);
    }
    say('  Stop with Ctrl-C.');
  } catch (err) {
    await shutdown.abort();
    exitWithStartupError(err);
  }
}

/** Where this process's API answers, as a browser on this machine reaches it. */
function apiOrigin(config: Config): string {
  return `http://${config.API_HOST === '0.0.0.0' ? '127.0.0.1' : config.API_HOST}:${config.API_PORT}`;
}

void main();
