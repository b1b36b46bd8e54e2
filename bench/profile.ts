// A V8 CPU profile (node --cpu-prof) summed by where the time went: each sample's self time goes to the category of
// the function it was taken in (by its script's path), so "Prisma" means Prisma's own code (query building, the
// query interpreter, result mapping), "pg" the driver's parsing, "Express" the framework and its middleware, and so
// on. Native work (JSON.stringify, crypto, the garbage collector) shows as its caller or as "(garbage collector)".
import fs from 'node:fs';
import { eventually } from '../kit/wait';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const CATEGORIES: [string, RegExp][] = [
  ['Prisma (query building, interpreter, mapping)', /@prisma\/|generated\/prisma|prisma\/client/],
  ['pg driver (protocol, parsing)', /node_modules\/(pg|pg-protocol|pg-types|pg-pool|postgres-[a-z]+|pgpass)\//],
  [
    'Express, router, body parser, helmet',
    /node_modules\/(express|router|body-parser|helmet|finalhandler|send|serve-static|path-to-regexp|qs|content-type|type-is|raw-body|mime-types|depd|on-finished|statuses|cookie|etag|fresh|accepts|negotiator|parseurl)\//,
  ],
  [
    'logging (pino, redaction)',
    /node_modules\/(pino|pino-std-serializers|sonic-boom|fast-redact|quick-format-unescaped|thread-stream)\/|infra\/logger/,
  ],
  ['metrics (prom-client)', /node_modules\/(prom-client|tdigest|bintrees)\/|api\/observability/],
  ['zod validation', /node_modules\/zod\//],
  ['rate limit store', /node_modules\/express-rate-limit\//],
  ['credential cache', /node_modules\/lru-cache\/|api\/credentials/],
  ['our API code (handlers, auth, scope, mapping)', /\/(api|domain|infra)\//],
  ['Node HTTP, streams, timers (node:internal)', /^node:|internal\//],
  ['tsx loader', /node_modules\/tsx\//],
];

/** Native functions worth their own line, by name (they have no script). */
const NAMED: Record<string, string> = {
  stringify: 'JSON serialisation (JSON.stringify)',
  writev: 'socket writes (writev, writeString: the kernel’s loopback TCP included)',
  writeString: 'socket writes (writev, writeString: the kernel’s loopback TCP included)',
  writeUtf8String: 'socket writes (writev, writeString: the kernel’s loopback TCP included)',
  writeBuffer: 'socket writes (writev, writeString: the kernel’s loopback TCP included)',
  parse: 'JSON parsing (JSON.parse)',
};

function categoryOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (functionName === '(garbage collector)') return '(garbage collector)';
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(program)') return '(program: native, V8)';
  if (Object.hasOwn(NAMED, functionName)) return NAMED[functionName]!;
  if (/node:internal\/crypto/.test(url)) return 'hashing (token → cache key)';
  if (!url) return `(native: ${functionName || 'anonymous'})`;
  for (const [name, re] of CATEGORIES) if (re.test(url)) return name;
  return 'other';
}

/** Milliseconds of CPU per category, busiest first, idle excluded; `total` is the busy time. */
export function summarizeProfile(file: string): { total: number; rows: [string, number][] } {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const c = categoryOf(byId.get(id)!);
    ms.set(c, (ms.get(c) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  ms.delete('(idle)');
  // Small natives fold into one line.
  const rows: [string, number][] = [];
  let natives = 0;
  for (const [c, v] of ms) {
    if (c.startsWith('(native: ')) natives += v;
    else rows.push([c, v]);
  }
  rows.push(['native functions (JSON, crypto, …)', natives]);
  rows.sort((a, b) => b[1] - a[1]);
  return { total: rows.reduce((s, [, v]) => s + v, 0), rows };
}

/**
 * The main thread's profile in `dir` (the largest .cpuprofile: Node also writes one per worker thread) once its size
 * stops changing (the process writes it as it exits).
 */
export function awaitProfile(dir: string, timeoutMs = 30_000): Promise<string> {
  let last = -1;
  return eventually(
    async () => {
      const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')) : [];
      const largest = files
        .map((f) => ({ f: `${dir}/${f}`, size: fs.statSync(`${dir}/${f}`).size }))
        .sort((a, b) => b.size - a.size)[0];
      const stable = largest !== undefined && largest.size > 0 && largest.size === last;
      last = largest?.size ?? -1;
      return stable ? largest.f : undefined;
    },
    timeoutMs,
    `a CPU profile in ${dir}`,
  );
}
