import { PrismaPg } from '@prisma/adapter-pg';
import { Client as TemporalClient } from '@temporalio/client';
import { createApp } from '../api/app';
import { PrismaClient } from '../generated/prisma/client';
import { createLogger } from '../infra/logger';
import { createOfficial } from '../infra/officials';
import { http, listen, summarize } from './support';
async function main() {
  const url = process.env.BENCH_READS_DATABASE_URL!;
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) });
  const baseUrl = await listen(
    createApp({ prisma, client: new TemporalClient(), taskQueue: 'x', logger: createLogger('error') }),
    'api',
  );
  const county = (await createOfficial(prisma, { role: 'COUNTY', scopeCode: '620522', name: 'c' })).token;
  const township = (await createOfficial(prisma, { role: 'TOWNSHIP', scopeCode: '620522233', name: 't' })).token;
  for (const [name, tok, path] of [
    ['county tasks', county, '/tasks'],
    ['township tasks', township, '/tasks'],
    ['rounds', county, '/rounds?status=OPEN&stage=FIRST_PUBLICITY'],
    ['hh village', county, '/households?village=620522233300'],
    ['me', county, '/me'],
  ] as const) {
    const ms: number[] = [];
    for (let i = 0; i < 300; i++) ms.push((await http(baseUrl, tok, 'GET', path)).ms);
    const s = summarize(ms.slice(50));
    console.log(name, s.p50.toFixed(1), s.p99.toFixed(1));
  }
  process.exit(0);
}
void main();
