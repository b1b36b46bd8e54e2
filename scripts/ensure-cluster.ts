// Finds the cluster binaries (Temporal server, SQL tool, UI server) or builds them once, and prints their paths:
// used by .ci/run before test:cluster.
import { exitWithStartupError } from '../infra/config';
import { ensureClusterBinaries } from '../infra/temporal-cluster';

try {
  const binaries = ensureClusterBinaries((line) => process.stdout.write(line + '\n'));
  for (const [name, file] of Object.entries(binaries)) process.stdout.write(`${name}: ${file}\n`);
} catch (err) {
  exitWithStartupError(err);
}
