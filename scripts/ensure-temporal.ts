// Finds the Temporal CLI (or builds it once) and prints its path: used by `npm test`, .ci/run and npm start.
import { exitWithStartupError } from '../infra/config';
import { ensureTemporalCli, temporalCliVersion } from '../infra/temporal-cli';

try {
  const cli = ensureTemporalCli();
  process.stdout.write(`Temporal CLI: ${cli} (${temporalCliVersion(cli)})\n`);
} catch (err) {
  exitWithStartupError(err);
}
