// Which documented operations a test run exercised: kit/openapi.ts appends one line per operation and
// jest worker to a file here; global-teardown.ts lists the operations no test received an answer from.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const COVERAGE_DIR = path.resolve(__dirname, '../.data/openapi-coverage');

/** Lines `METHOD /path operationId` recorded by this run. */
export function exercisedOperations(): Set<string> {
  if (!existsSync(COVERAGE_DIR)) return new Set();
  const lines = readdirSync(COVERAGE_DIR)
    .filter((f) => f.endsWith('.txt'))
    .flatMap((f) => readFileSync(path.join(COVERAGE_DIR, f), 'utf8').split('\n'));
  return new Set(lines.filter(Boolean));
}
