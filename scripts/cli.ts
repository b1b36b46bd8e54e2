// npm run cli -- official create --role <VILLAGE|TOWNSHIP|COUNTY|ADMIN> --scope <code> --name <name> [--json]
// npm run cli -- official list [--json]
// npm run cli -- official revoke <id>
// npm run cli -- import households <file.csv> [--members <members.csv>] [--all-or-nothing] [--report <file>] [--json]
// npm run cli -- poverty-line list [--json]
// npm run cli -- poverty-line set <year> <yuan> [--source <text>] [--json]
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ROLES } from '../domain/enums';
import { attachDatabase } from '../infra/bootstrap';
import { sqlOf } from '../infra/db';
import { ConfigError, loadConfig } from '../infra/config';
import { ImportError } from '../infra/import';
import { IMPORT_USAGE, runImportCommand } from '../infra/import-command';
import { povertyLines, setPovertyLine } from '../infra/facts';
import { createOfficial, listOfficials, OfficialError, revokeOfficial } from '../infra/officials';

const USAGE = `Usage:
  npm run cli -- official create --role <${ROLES.join('|')}> --scope <division code> --name <name> [--json]
  npm run cli -- official list [--json]
  npm run cli -- official revoke <id> [--json]
  npm run cli -- import households <file.csv> [--members <members.csv>] [--all-or-nothing] [--report <file>] [--json]  (--help: columns)
  npm run cli -- poverty-line list [--json]
  npm run cli -- poverty-line set <year> <yuan per person> [--source <where the figure comes from>] [--json]`;

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
      members: { type: 'string' },
      source: { type: 'string' },
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
    const options = {
      allOrNothing: values['all-or-nothing'],
      report: values.report,
      json: values.json,
      connections,
      members: values.members,
    };
    return runImportCommand(arg, options, () => attachDatabase(loadConfig()));
  }
  const out = (human: string, data: unknown) =>
    process.stdout.write((values.json ? JSON.stringify(data) : human) + '\n');
  if (noun === 'poverty-line' && !values.help) return povertyLineCommand(verb, positionals.slice(2), values, out);
  if (values.help || noun !== 'official' || !verb) throw new UsageError(USAGE);

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

const ZYear = z.coerce.number().int().min(2000).max(2100);
const ZYuan = z.coerce.number().int().min(1).max(1_000_000);

/** The county's poverty line per year: the published defaults and the years it entered (shown as entered). */
async function povertyLineCommand(
  verb: string | undefined,
  args: string[],
  values: { source?: string },
  out: (human: string, data: unknown) => void,
): Promise<number> {
  if (verb === 'set') {
    const [year, yuan] = [ZYear.safeParse(args[0]), ZYuan.safeParse(args[1])];
    if (args.length !== 2 || !year.success || !yuan.success)
      throw new UsageError(`set needs a year (2000–2100) and the line in whole yuan per person.\n${USAGE}`);
    const db = await attachDatabase(loadConfig());
    try {
      const line = await setPovertyLine(db.prisma, { year: year.data, perCapita: yuan.data, source: values.source });
      out(`Poverty line ${line.year}: ${line.perCapita} 元 per person (${line.source}).`, line);
    } finally {
      await db.stop();
    }
    return 0;
  }
  if (verb !== 'list' || args.length > 0) throw new UsageError(USAGE);
  const db = await attachDatabase(loadConfig());
  try {
    const lines = await povertyLines(sqlOf(db.prisma));
    out(lines.map((l) => `${l.year}  ${String(l.perCapita).padStart(6)} 元  ${l.source}`).join('\n'), lines);
  } finally {
    await db.stop();
  }
  return 0;
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
