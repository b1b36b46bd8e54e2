// The Temporal dev server as tests and benchmarks start it: the CLI binary through the SDK's test environment,
// the product's search attributes registered, the SDK's logging at WARN. In memory by default; with a
// `dbFilename`, an SQLite file and the pragmas `npm start` would pass (benchmarks compare both).
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { defineSearchAttributeKey, SearchAttributeType, type DataConverter } from '@temporalio/common';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { Client } from '@temporalio/client';
import { DefaultLogger, Runtime, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { SEARCH_ATTRIBUTES } from '../domain/constants';
import { FAILURE_CONVERTER_PATH, payloadDataConverter, randomPayloadKey, type PayloadKey } from '../infra/codec';

let runtimeInstalled = false;
/** Installs the SDK runtime with a WARN logger, once per process. */
export function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

export interface DevServerOptions {
  /** The Temporal CLI; default: TEMPORAL_CLI_PATH (jest's globalSetup and the benchmarks set it). */
  cli?: string;
  /** An SQLite file for the server's state; default: in memory. */
  dbFilename?: string;
  /** SQLite pragmas ("journal_mode=WAL"), only with a file. */
  pragmas?: readonly string[];
  /** The client's data converter; default: the product's, encrypting with a random test key. */
  dataConverter?: DataConverter;
  /** Serve the Web UI on this port, decoding payloads through this remote codec (the API's /codec). */
  ui?: { port: number; codecEndpoint: string };
}

/**
 * The key the committed histories `test/histories/*.encrypted.json` were recorded with. Not a secret: it encrypts
 * synthetic test data only and is published here so that CI can replay those histories; never configure it in a
 * deployment.
 */
export const HISTORY_PAYLOAD_KEY: PayloadKey = {
  id: 'histories-2026-12',
  key: Buffer.from('SmluZ3podW4gdGVzdCBoaXN0b3JpZXMga2V5IDIwMjY=', 'base64'),
};

/**
 * The data converter of a test stack: the product's, encrypting with `keys`; `false` is the test-only switch that
 * turns encryption off (test/integration/payload-privacy.test.ts proves with it that its search finds plain data).
 */
export function testDataConverter(keys: readonly PayloadKey[] | false = [randomPayloadKey('test')]): DataConverter {
  return keys ? payloadDataConverter(keys) : {};
}

export async function startDevServer(options: DevServerOptions = {}): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const path = options.cli ?? process.env.TEMPORAL_CLI_PATH;
  if (!path) throw new Error('TEMPORAL_CLI_PATH is not set: run the tests through jest (globalSetup finds the CLI)');
  const pragmas = options.dbFilename ? (options.pragmas ?? []) : [];
  return TestWorkflowEnvironment.createLocal({
    client: { dataConverter: options.dataConverter ?? testDataConverter() },
    server: {
      executable: { type: 'existing-path', path },
      ip: '127.0.0.1',
      dbFilename: options.dbFilename,
      searchAttributes: Object.values(SEARCH_ATTRIBUTES).map((a) =>
        defineSearchAttributeKey(a.name, SearchAttributeType.KEYWORD),
      ),
      ...(options.ui ? { ui: true, uiPort: options.ui.port } : {}),
      extraArgs: [
        '--log-level',
        'error',
        ...pragmas.flatMap((p) => ['--sqlite-pragma', p]),
        ...(options.ui ? ['--ui-codec-endpoint', options.ui.codecEndpoint] : []),
      ],
    },
  });
}

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();
/** The workflow bundle of `workflowsPath` (default: the product's workflows/), built once per process. */
export function workflowBundle(workflowsPath = require.resolve('../workflows')): Promise<WorkflowBundleWithSourceMap> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    bundle = bundleWorkflowCode({
      workflowsPath,
      failureConverterPath: FAILURE_CONVERTER_PATH,
      logger: new DefaultLogger('WARN'),
    });
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}

/** The first argument a workflow was started with, read from its history through the client's (encrypting) converter. */
export async function startInputOf<T>(client: Client, workflowId: string): Promise<T> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  return decodeFromPayloadsAtIndex<T>(client.options.loadedDataConverter, 0, payloads);
}
