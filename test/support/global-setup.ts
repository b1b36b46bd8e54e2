// Finds a PostgreSQL server for the tests (TEST_DATABASE_URL, else the local server on 5432, else an
// embedded one under .data/test-postgres) and the Temporal CLI; each test file then makes its own database.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { answers } from '../../infra/local-postgres';
import { startEmbeddedPostgres } from '../../infra/postgres';
import { ensureTemporalCli } from '../../infra/temporal-cli';
import { COVERAGE_DIR } from '../../kit/openapi-coverage';

export default async function globalSetup() {
  // Operations exercised by this run only (see global-teardown.ts).
  rmSync(COVERAGE_DIR, { recursive: true, force: true });
  process.env.TEMPORAL_CLI_PATH = ensureTemporalCli();
  if (process.env.TEST_DATABASE_URL) return;
  const local = 'postgresql://postgres@127.0.0.1:5432/postgres';
  if (await answers(local)) {
    process.env.TEST_DATABASE_URL = local;
    return;
  }
  const db = await startEmbeddedPostgres(path.resolve(__dirname, '../../.data/test'), 54330);
  process.env.TEST_DATABASE_URL = db.url;
  (globalThis as { __embeddedPg?: { stop(): Promise<void> } }).__embeddedPg = db;
}
