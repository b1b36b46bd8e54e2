// bench:codec — the payload codec's own cost (infra/codec.ts: AES-256-GCM over the serialized Payload), per
// payload, for payloads the size of a round's: a round's input, an assessment with 1, 20 and 100 proposals (the
// Update's argument and the transition activity's input carry about that much). Beside it, the cost of the JSON
// conversion every payload pays anyway, for scale. No Temporal, no database: the codec alone, in this process.
import os from 'node:os';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { AesGcmPayloadCodec, randomPayloadKey } from '../infra/codec';
import { makeIdNumber } from '../domain/idNumber';
import { fmt, log, printTable } from './support';

const MIN_MS = 1000;
const MIN_ITERATIONS = 2000;

function proposal(i: number) {
  return {
    id: `3f1c2a4e-8b7d-4c1a-9e2f-${String(100000000000 + i)}`,
    action: 'ENTER',
    household: {
      headName: `新户${i}`,
      idNumber: makeIdNumber('620523', { y: 1970, m: 1 + (i % 12), d: 1 + (i % 28) }, i),
      size: 4,
    },
    category: 'TARGETED',
    cause: 'ILLNESS',
    votesFor: 25,
    votesAgainst: 2,
    note: '经入户调查，家庭成员患慢性病，收入低于标准',
  };
}

const actor = {
  id: '743ddbc6-3376-4195-a08d-18bc759c8a44',
  name: '村支书',
  role: 'VILLAGE',
  scopeCode: '620522100201',
};
const meeting = { heldOn: '2026-11-20', representativesPresent: 30, representativesTotal: 40 };
const cases: { name: string; value: unknown }[] = [
  {
    name: 'round input',
    value: {
      roundId: 'round-620522100201-1',
      villageCode: '620522100201',
      townshipCode: '620522100',
      roundNo: 1,
      policy: { publicityPeriod: '7 days', stageDeadline: '14 days' },
      rules: { version: 2, minPublicityPeriod: '7 days', countySampleShare: 0.1 },
      startedBy: actor,
    },
  },
  ...[1, 20, 100].map((n) => ({
    name: `assessment, ${n} proposal${n === 1 ? '' : 's'}`,
    value: { actor, meeting, proposals: Array.from({ length: n }, (_, i) => proposal(i)) },
  })),
];

/** Mean µs per call of `fn` over at least MIN_MS and MIN_ITERATIONS, after a warm-up. */
async function perCall(fn: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < 200; i++) await fn();
  let n = 0;
  const t0 = performance.now();
  while (n < MIN_ITERATIONS || performance.now() - t0 < MIN_MS) {
    await fn();
    n++;
  }
  return ((performance.now() - t0) * 1000) / n;
}

async function main() {
  log(
    `machine: ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}; load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; Node ${process.version}`,
  );
  const codec = new AesGcmPayloadCodec([randomPayloadKey('bench'), randomPayloadKey('old')]);
  const rows: (string | number)[][] = [];
  for (const c of cases) {
    const plain: Payload = defaultPayloadConverter.toPayload(c.value);
    const [encrypted] = await codec.encode([plain]);
    const json = await perCall(() => defaultPayloadConverter.fromPayload(defaultPayloadConverter.toPayload(c.value)));
    const encode = await perCall(() => codec.encode([plain]));
    const decode = await perCall(() => codec.decode([encrypted!]));
    rows.push([
      c.name,
      String(plain.data!.length),
      String(encrypted!.data!.length),
      fmt(encode),
      fmt(decode),
      fmt(encode + decode),
      fmt(json),
    ]);
  }
  printTable(
    'bench:codec — µs per payload (mean), AES-256-GCM over the serialized Payload',
    ['payload', 'JSON bytes', 'encrypted bytes', 'encode µs', 'decode µs', 'encode+decode µs', 'JSON to+from µs'],
    rows,
  );
}

main().catch((err) => {
  process.stderr.write(String((err as Error).stack ?? err) + '\n');
  process.exit(1);
});
