import { exercisedOperations } from '../../kit/openapi-coverage';
import { documentedOperations } from '../../kit/openapi';

export default async function globalTeardown() {
  await (globalThis as { __embeddedPg?: { stop(): Promise<void> } }).__embeddedPg?.stop();
  reportOpenApiCoverage();
}

/** Lists the documented operations no test of this run received an answer from. */
function reportOpenApiCoverage() {
  const exercised = exercisedOperations();
  if (exercised.size === 0) return; // a run without API tests (e.g. unit tests only)
  const never = documentedOperations().filter((op) => !exercised.has(op));
  const total = documentedOperations().length;
  const lines = never.length
    ? [`OpenAPI: ${never.length} of ${total} operations never exercised by this run:`, ...never.map((o) => `  ${o}`)]
    : [`OpenAPI: all ${total} operations exercised.`];
  console.log('\n' + lines.join('\n'));
}
