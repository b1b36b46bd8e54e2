// PostgreSQL writes a `timestamp without time zone` with a space in a row and with a T inside json; both hold UTC
// (Prisma's DateTime), whatever the time zone of the process reading them. Run in a process east of UTC, where
// reading either as local time would be eight hours off.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

test('a row and a json value read as the same UTC instant, in a process east of UTC', () => {
  const script = `const { utcTimestamp } = require(${JSON.stringify(path.resolve(__dirname, '../../infra/db.ts'))});
    console.log(JSON.stringify({
      offset: new Date(2026, 11, 3, 14).getTimezoneOffset(),
      read: ['2026-12-03 14:00:00.12', '2026-12-03T14:00:00.12', '2026-12-03T14:00:00']
        .map((t) => utcTimestamp(t).toISOString()),
      none: utcTimestamp(null),
    }))`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
    env: { ...process.env, TZ: 'Asia/Shanghai' },
    encoding: 'utf8',
  });
  expect(JSON.parse(out)).toEqual({
    offset: -480,
    read: ['2026-12-03T14:00:00.120Z', '2026-12-03T14:00:00.120Z', '2026-12-03T14:00:00.000Z'],
    none: null,
  });
}, 30_000);
