import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Config } from './config';
import type { PrismaClient } from './db';

/** Worker options that deployments tune (docs/BENCHMARKS.md shows what each one changes). */
export type WorkerTuning = Pick<WorkerOptions, 'maxCachedWorkflows'>;

export function workerTuning(config: Pick<Config, 'WORKER_MAX_CACHED_WORKFLOWS'>): WorkerTuning {
  return config.WORKER_MAX_CACHED_WORKFLOWS === undefined
    ? {}
    : { maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS };
}

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  prisma: PrismaClient;
  /** A client on the same cluster and namespace, for activities that signal or start workflows. */
  client: Client;
  /** Pre-built bundle (tests build it once per file); otherwise the worker bundles workflows/ itself. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: WorkerTuning;
  /** The same data converter as the client's: payloads encrypted (infra/codec.ts). */
  dataConverter: DataConverter;
}

export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    activities: createActivities({ prisma: deps.prisma, client: deps.client }),
    dataConverter: deps.dataConverter,
    ...deps.tuning,
    ...(deps.workflowBundle
      ? { workflowBundle: deps.workflowBundle }
      : { workflowsPath: require.resolve('../workflows') }),
  });
}
