// npm run cli -- official create --role <VILLAGE|TOWNSHIP|COUNTY|ADMIN> --scope <code> --name <name> [--json]
// npm run cli -- official list [--json]
// npm run cli -- official revoke <id>
// npm run cli -- import households <file.csv> [--all-or-nothing] [--report <file>] [--json]
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ROLES } from '../domain/enums';
import { attachDatabase } from '../infra/bootstrap';
import { ConfigError, loadConfig } from '../infra/config';
import { ImportError } from '../infra/import';
import { IMPORT_USAGE, runImportCommand } from '../infra/import-command';
import { createOfficial, listOfficials, OfficialError, revokeOfficial } from '../infra/officials';

const USAGE = `Usage:
  npm run cli -- official create --role <${ROLES.join('|')}> --scope <division code> --name <name> [--json]
  npm run cli -- official list [--json]
  npm run cli -- official revoke <id> [--json]
  npm run cli -- import households <file.csv> [--all-or-nothing] [--report <file>] [--json]  (--help: columns)`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      scope: { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean', default: false },
      'all-or-nothing': { type: 'boolean', default: false },
      report: { type: 'string' },
      connections: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [noun, verb, arg] = positionals;
  if (noun === 'import') {
    if (values.help) {
      process.stdout.write(IMPORT_USAGE + '\n');
      return 0;
    }
    if (verb !== 'households' || !arg || positionals.length > 3) throw new UsageError(IMPORT_USAGE);
    const connections = values.connections === undefined ? undefined : Number(values.connections);
    if (connections !== undefined && !(Number.isInteger(connections) && connections >= 1 && connections <= 16))
      throw new UsageError(`--connections must be a whole number from 1 to 16.\n${IMPORT_USAGE}`);
    const options = { allOrNothing: values['all-or-nothing'], report: values.report, json: values.json, connections };
    return runImportCommand(arg, options, () => attachDatabase(loadConfig()));
  }
  if (values.help || noun !== 'official' || !verb) throw new UsageError(USAGE);
  const out = (human: string, data: unknown) =>
    process.stdout.write((values.json ? JSON.stringify(data) : human) + '\n');

  const db = await attachDatabase(loadConfig());
  try {
    if (verb === 'create') {
      const role = z.enum(ROLES).safeParse(values.role);
      if (!role.success) throw new UsageError(`--role must be one of ${ROLES.join(', ')}.\n${USAGE}`);
      if (!values.scope || !values.name) throw new UsageError(`--scope and --name are required.\n${USAGE}`);
      const o = await createOfficial(db.prisma, { role: role.data, scopeCode: values.scope, name: values.name });
      out(
        `Created ${o.role} official ${o.name} (${o.id}) for ${o.scopeCode}.\n` +
          `Token (shown once, store it safely): ${o.token}\n` +
          `Use it as: Authorization: Bearer ${o.token}`,
        o,
      );
    } else if (verb === 'list') {
      const rows = await listOfficials(db.prisma);
      out(
        rows
          .map(
            (o) =>
              `${o.id}  ${o.role.padEnd(8)} ${o.scopeCode.padEnd(12)} ${o.revokedAt ? 'REVOKED' : 'active '}  ${o.name}`,
          )
          .join('\n') || '(no officials)',
        rows,
      );
    } else if (verb === 'revoke') {
      if (!arg || !z.string().uuid().safeParse(arg).success)
        throw new UsageError(`revoke needs the official's id (a UUID).\n${USAGE}`);
      const r = await revokeOfficial(db.prisma, arg);
      out(
        r.alreadyRevoked
          ? `Official ${arg} was already revoked.`
          : `Revoked official ${arg}; its token no longer works.`,
        r,
      );
    } else {
      throw new UsageError(USAGE);
    }
    return 0;
  } finally {
    await db.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const known =
      err instanceof UsageError ||
      err instanceof OfficialError ||
      err instanceof ConfigError ||
      err instanceof ImportError;
    const e = err as { code?: string; message?: string };
    process.stderr.write(
      `${known || e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? e.message : `Error: ${e.message}`}\n`,
    );
    process.exit(known ? 2 : 1);
  },
);
