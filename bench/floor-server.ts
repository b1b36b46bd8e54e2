// The floor bench:reads compares the API with: a bare node:http server and a pg pool answering GET /api/v1/tasks
// with the same statement the API runs (api/routes/tasks.ts taskQuery), and nothing else — no Express, no Prisma,
// no validation, no logging, no metrics. Each token's official and statement are looked up once and kept for the
// run (the least any server must do per request: one query, the rows as JSON). FLOOR_PORT, DATABASE_URL.
import http from 'node:http';
import { Pool } from 'pg';
import type { Official } from '../api/official';
import { taskQuery } from '../api/routes/tasks';
import { hashToken } from '../infra/tokens';

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const statements = new Map<string, { text: string; values: unknown[] }>();

async function statementFor(token: string) {
  let s = statements.get(token);
  if (!s) {
    const { rows } = await pool.query<Official>(
      `SELECT id, name, role::text AS role, "scopeCode" FROM "Official" WHERE "tokenHash" = $1 AND "revokedAt" IS NULL`,
      [hashToken(token)],
    );
    if (!rows[0]) return undefined;
    const q = taskQuery(rows[0], 200);
    s = { text: q.text, values: q.values };
    statements.set(token, s);
  }
  return s;
}

const server = http.createServer((req, res) => {
  const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (req.url !== '/api/v1/tasks' || !token) {
    res.writeHead(404).end();
    return;
  }
  statementFor(token)
    .then(async (s) => {
      if (!s) return void res.writeHead(401).end();
      const { rows } = await pool.query(s.text, s.values);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: rows }));
    })
    .catch((err: Error) => res.writeHead(500).end(err.message));
});
server.listen(Number(process.env.FLOOR_PORT), '127.0.0.1', () => {
  process.stdout.write(`floor server listening on ${process.env.FLOOR_PORT}\n`);
});
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
