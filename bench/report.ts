// What the benchmarks print and judge: the machine (and the Temporal CLI and PostgreSQL they use), latency
// statistics, plain-text tables, and verdicts that refuse MET on a loaded machine.
import fs from 'node:fs';
import os from 'node:os';
import { Client as PgClient } from 'pg';
import { temporal } from '@temporalio/proto';
import { ensureTemporalCli, temporalCliVersion } from '../infra/temporal-cli';
import { quietRuntime } from '../kit/temporal';

// ---- environment -----------------------------------------------------------------------------------

/** The Temporal CLI and the PostgreSQL server the benchmarks use (the same defaults as the tests). */
export function benchEnv(): { cli: string; databaseUrl: string } {
  process.env.TEMPORAL_CLI_PATH ??= ensureTemporalCli();
  process.env.TEST_DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/postgres';
  quietRuntime();
  return { cli: process.env.TEMPORAL_CLI_PATH, databaseUrl: process.env.TEST_DATABASE_URL };
}

export function log(line: string) {
  process.stdout.write(line + '\n');
}

// ---- statistics and output -------------------------------------------------------------------------

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function summarize(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s[s.length - 1] ?? NaN,
    mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
  };
}

export function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

/** A plain-text table with right-aligned numbers. */
export function printTable(title: string, header: string[], rows: (string | number)[][]) {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  log('');
  log(title);
  log(line(header));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) log(line(r));
}

/** A goal is judged only on a machine that was quiet when the run began (issue 16): at most 1 of load per core. */
export const MAX_LOAD_PER_CORE = 1;
let loadBefore = 0;

/** Reads and prints the load before a run; `verdict` then refuses MET when it was above MAX_LOAD_PER_CORE. */
export function noteLoadBefore(name: string): void {
  loadBefore = os.loadavg()[0]! / os.cpus().length;
  log(
    `${name}: load before the run ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores (${loadBefore.toFixed(2)} per core)` +
      (loadBefore > MAX_LOAD_PER_CORE ? ` — above ${MAX_LOAD_PER_CORE} per core: no goal will be called MET` : ''),
  );
}

export function verdict(ok: boolean): string {
  if (!ok) return 'NOT MET';
  return loadBefore > MAX_LOAD_PER_CORE ? `not judged (load ${loadBefore.toFixed(2)}/core before the run)` : 'MET';
}

// ---- the machine -----------------------------------------------------------------------------------

export async function machine(): Promise<Record<string, string>> {
  const { cli, databaseUrl } = benchEnv();
  const cpu = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model;
  const pg = new PgClient({ connectionString: databaseUrl });
  await pg.connect();
  const version = (await pg.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version;
  await pg.end();
  return {
    cpu: `${cpu} × ${os.cpus().length} cores`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    load: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    node: process.version,
    postgres: version ?? '?',
    temporal: temporalCliVersion(cli),
  };
}

export async function printMachine() {
  const m = await machine();
  log(`machine: ${m.cpu}, ${m.memory}; load ${m.load}; Node ${m.node}; PostgreSQL ${m.postgres}; ${m.temporal}`);
}

/**
 * CPU seconds spent so far: by this process (all its threads: the API, the worker and its workflow thread, the
 * simulated officials), by PostgreSQL's processes (with the backends that have exited), by the Temporal dev server,
 * and by the whole machine (/proc/stat's busy jiffies: the kernel and everything else too). The difference of two
 * readings is what a run cost, a steadier figure than its wall time.
 */
export function cpuSeconds(): { process: number; postgres: number; temporal: number; machine: number } {
  const u = process.cpuUsage();
  const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal …: busy is everything but idle and iowait.
  const j = fields.map(Number);
  const busy = j.reduce((a, b) => a + b, 0) - (j[3] ?? 0) - (j[4] ?? 0);
  const by = { postgres: 0, temporal: 0 };
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const which = comm === 'postgres' ? 'postgres' : comm.startsWith('temporal') ? 'temporal' : undefined;
    if (!which) continue;
    // After the command: state is field 3; utime, stime, cutime, cstime are fields 14–17 (clock ticks).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    by[which] += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
  }
  return { process: (u.user + u.system) / 1e6, ...by, machine: busy / 100 };
}

/** Resident set size of a process, in MiB (Linux). */
export function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/**
 * Where a round's time went, as the server recorded it: for each activity, the time from its scheduling to a worker
 * starting it (queued) and from then to its completion (run: the activity's own work plus the worker's answer), and
 * each workflow task's time from start to completion (the workflow code and the worker's answer). Milliseconds.
 */
export function historyTimings(
  events: {
    eventId?: unknown;
    eventType?: number | null;
    eventTime?: { seconds?: unknown; nanos?: number | null } | null;
    activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null;
    activityTaskStartedEventAttributes?: { scheduledEventId?: unknown } | null;
    activityTaskCompletedEventAttributes?: { startedEventId?: unknown } | null;
    workflowTaskCompletedEventAttributes?: { startedEventId?: unknown } | null;
  }[],
): { what: string; ms: number }[] {
  const E = temporal.api.enums.v1.EventType;
  /** A number, a Long (protobuf's int64: its decimal text) or nothing. */
  const num = (x: unknown) => (typeof x === 'number' ? x : x == null ? NaN : Number(String(x)));
  const ms = (e: (typeof events)[number]) => num(e.eventTime?.seconds) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
  const byId = new Map(events.map((e) => [num(e.eventId), e]));
  const out: { what: string; ms: number }[] = [];
  for (const e of events) {
    if (e.eventType === E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
      const started = byId.get(num(e.activityTaskCompletedEventAttributes?.startedEventId));
      const scheduled = byId.get(num(started?.activityTaskStartedEventAttributes?.scheduledEventId));
      if (!started || !scheduled) continue;
      const name = scheduled.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
      out.push({ what: `activity ${name}: queued`, ms: ms(started) - ms(scheduled) });
      out.push({ what: `activity ${name}: run`, ms: ms(e) - ms(started) });
    } else if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
      const started = byId.get(num(e.workflowTaskCompletedEventAttributes?.startedEventId));
      if (started) out.push({ what: 'workflow task', ms: ms(e) - ms(started) });
    }
  }
  return out;
}

/** A history's size as stored (its events encoded), and the largest event types by their bytes, in one line. */
export function historyBytes(events: temporal.api.history.v1.IHistoryEvent[]): { bytes: number; line: string } {
  const byType = new Map<string, number>();
  let bytes = 0;
  for (const e of events) {
    const n = temporal.api.history.v1.HistoryEvent.encode(e).finish().length;
    const name = (temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType)).replace('EVENT_TYPE_', '');
    byType.set(name, (byType.get(name) ?? 0) + n);
    bytes += n;
  }
  const top = [...byType].sort((a, b) => b[1] - a[1]).slice(0, 5);
  return { bytes, line: `${bytes} bytes (${top.map(([k, n]) => `${k} ${n}`).join(', ')})` };
}

/** A history's shape in one line: workflow tasks, activities, timers (fired), updates, search-attribute upserts. */
export function historyShape(events: { eventType?: number | null }[]): string {
  const count: Record<string, number> = {};
  for (const e of events) {
    const name = temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType);
    count[name] = (count[name] ?? 0) + 1;
  }
  const n = (name: string) => count[`EVENT_TYPE_${name}`] ?? 0;
  return (
    `${events.length} events: ${n('WORKFLOW_TASK_COMPLETED')} workflow tasks, ${n('ACTIVITY_TASK_SCHEDULED')} activities, ` +
    `${n('TIMER_STARTED')} timers (${n('TIMER_FIRED')} fired), ${n('WORKFLOW_EXECUTION_UPDATE_ACCEPTED')} updates, ` +
    `${n('UPSERT_WORKFLOW_SEARCH_ATTRIBUTES')} search-attribute upserts`
  );
}
