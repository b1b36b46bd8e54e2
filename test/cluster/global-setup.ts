// The common set-up (PostgreSQL, Temporal CLI), then the cluster binaries: found in the per-user cache or built
// there once with Go (minutes), before any test's timeout starts.
import { ensureClusterBinaries } from '../../infra/temporal-cluster';
import commonSetup from '../support/global-setup';

export default async function globalSetup() {
  await commonSetup();
  ensureClusterBinaries((line) => process.stderr.write(line + '\n'));
}
