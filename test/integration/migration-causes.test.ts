// The migration of issue 12 on a database holding rows written before it: the former cause MISSED_BEFORE (漏评)
// becomes the entry reason MISSED with cause OTHER, other causes and both old exit reasons keep their meaning.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { applyMigrations, MIGRATIONS_DIR } from '../../infra/migrate';
import { adminUrl } from '../../kit/database';

const MIGRATION = '20261202172534_rules_causes_reasons_corrections';

let name: string;
let url: string;
let before: string;

beforeAll(async () => {
  name = `jz_migr_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(adminUrl());
  u.pathname = '/' + name;
  url = u.toString();
  // The migrations as they were before this one.
  before = fs.mkdtempSync(path.join(os.tmpdir(), 'jz-migrations-'));
  for (const m of fs.readdirSync(MIGRATIONS_DIR, { withFileTypes: true })) {
    if (m.isDirectory() && m.name < MIGRATION)
      fs.cpSync(path.join(MIGRATIONS_DIR, m.name), path.join(before, m.name), { recursive: true });
  }
  await applyMigrations(url, before);
});

afterAll(async () => {
  fs.rmSync(before, { recursive: true, force: true });
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
});

test('old rows: MISSED_BEFORE becomes entry reason MISSED with cause OTHER; the rest keep their values', async () => {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(`
      INSERT INTO "County" (code, name) VALUES ('620522', '秦安县');
      INSERT INTO "Township" (code, name, "countyCode") VALUES ('620522100', '兴国镇', '620522');
      INSERT INTO "Village" (code, name, "townshipCode") VALUES ('620522100201', '某村', '620522100');
      INSERT INTO "Household" (id, "registryNo", "villageCode", "headName", "idNumber", size, category, status, cause,
                               "exitReason", "updatedAt") VALUES
        ('00000000-0000-4000-8000-000000000001', 'R1', '620522100201', '甲', 'ID1', 3, 'TARGETED', 'REGISTERED', 'MISSED_BEFORE', NULL, now()),
        ('00000000-0000-4000-8000-000000000002', 'R2', '620522100201', '乙', 'ID2', 2, 'TARGETED', 'REGISTERED', 'ILLNESS', NULL, now()),
        ('00000000-0000-4000-8000-000000000003', 'R3', '620522100201', '丙', 'ID3', 4, 'POLICY_GUARANTEE', 'EXITED', 'DISABILITY', 'REACHED_STANDARD', now()),
        ('00000000-0000-4000-8000-000000000004', 'R4', '620522100201', '丁', 'ID4', 1, 'TARGETED', 'EXITED', 'MISSED_BEFORE', 'WRONGLY_INCLUDED', now());
      INSERT INTO "RegistryChange" (id, "householdId", source, action, "toStatus", cause, "exitReason", at) VALUES
        ('00000000-0000-4000-9000-000000000001', '00000000-0000-4000-8000-000000000001', 'IMPORT', 'IMPORT', 'REGISTERED', 'MISSED_BEFORE', NULL, now()),
        ('00000000-0000-4000-9000-000000000003', '00000000-0000-4000-8000-000000000003', 'IMPORT', 'IMPORT', 'EXITED', 'DISABILITY', 'REACHED_STANDARD', now());
      INSERT INTO "Round" (id, "villageCode", "townshipCode", "roundNo", stage, status, policy, "stageEnteredAt",
                           "startedById", "startedAt", "updatedAt")
        VALUES ('round-620522100201-1', '620522100201', '620522100', 1, 'FIRST_PUBLICITY', 'OPEN', '{}', now(),
                '00000000-0000-4000-a000-000000000001', now(), now());
      INSERT INTO "Proposal" (id, "roundId", "assessmentNo", action, "householdId", category, cause, "votesFor", "votesAgainst") VALUES
        ('00000000-0000-4000-b000-000000000001', 'round-620522100201-1', 1, 'ENTER', NULL, 'TARGETED', 'MISSED_BEFORE', 20, 1),
        ('00000000-0000-4000-b000-000000000002', 'round-620522100201-1', 1, 'ENTER', NULL, 'TARGETED', 'SCHOOLING', 20, 1);
    `);

    // This migration first; any later ones after it.
    expect((await applyMigrations(url))[0]).toBe(MIGRATION);

    const households = await db.query(
      `SELECT "registryNo", cause, "entryReason", "exitReason" FROM "Household" ORDER BY "registryNo"`,
    );
    expect(households.rows).toEqual([
      { registryNo: 'R1', cause: 'OTHER', entryReason: 'MISSED', exitReason: null },
      { registryNo: 'R2', cause: 'ILLNESS', entryReason: null, exitReason: null },
      { registryNo: 'R3', cause: 'DISABILITY', entryReason: null, exitReason: 'REACHED_STANDARD' },
      { registryNo: 'R4', cause: 'OTHER', entryReason: 'MISSED', exitReason: 'WRONGLY_INCLUDED' },
    ]);
    const changes = await db.query(`SELECT cause, "entryReason", "exitReason" FROM "RegistryChange" ORDER BY id`);
    expect(changes.rows).toEqual([
      { cause: 'OTHER', entryReason: 'MISSED', exitReason: null },
      { cause: 'DISABILITY', entryReason: null, exitReason: 'REACHED_STANDARD' },
    ]);
    const proposals = await db.query(`SELECT cause, "entryReason", "votesFor" FROM "Proposal" ORDER BY id`);
    expect(proposals.rows).toEqual([
      { cause: 'OTHER', entryReason: 'MISSED', votesFor: 20 },
      { cause: 'SCHOOLING', entryReason: null, votesFor: 20 },
    ]);
    // MISSED_BEFORE is gone from the enum; the new cause and exit reason are there.
    const causes = await db.query(`SELECT unnest(enum_range(NULL::"PovertyCause"))::text AS v`);
    expect(causes.rows.map((r) => r.v)).toContain('LACK_OF_MOTIVATION');
    expect(causes.rows.map((r) => r.v)).not.toContain('MISSED_BEFORE');
    const exits = await db.query(`SELECT unnest(enum_range(NULL::"ExitReason"))::text AS v`);
    expect(exits.rows.map((r) => r.v)).toEqual(['REACHED_STANDARD', 'WRONGLY_INCLUDED', 'NATURAL_DECREASE']);
  } finally {
    await db.end();
  }
});
