// The counts behind the three accuracy figures (domain/assessment.ts) of townships in a year, read from PostgreSQL.
// Both the API (GET /assessment/townships, /assessment/county) and activities (the county's exit request records
// the county's figures) use it.
import {
  figuresOf,
  NO_COUNTS,
  poolCounts,
  spotCheckRatio,
  type AccuracyCounts,
  type AccuracyFigures,
} from '../domain/assessment';
import type { ProposalAction, VisitFinding } from '../domain/enums';
import { chinaYearBounds } from '../domain/supervision';
import type { PrismaClient } from './db';

const n = (v: bigint | number | null | undefined) => Number(v ?? 0);

function blank(): AccuracyCounts {
  return structuredClone(NO_COUNTS);
}

/**
 * The counts per township (every code asked for has an entry, zero when nothing was checked) for the calendar year
 * `year` (China time):
 * - 错退率: EXITED samples' households with a finding (WRONGLY_EXITED over those found), plus the EXIT proposals of
 *   the rounds' county spot checks (NOT_CONFIRMED over those checked; domain/assessment.ts spotCheckRatio). A
 *   proposal spot-checked again after a return counts once, with its latest check, in the year of that check.
 * - 漏评率: NOT_REGISTERED samples' households with a finding (MISSED_POOR over those found).
 * - 认可度: the surveys of the year (satisfied over respondents).
 * A drawn household without a finding yet is not counted: it has not been checked.
 */
export async function accuracyCounts(
  prisma: PrismaClient,
  { townshipCodes, year }: { townshipCodes: readonly string[]; year: number },
): Promise<Map<string, AccuracyCounts>> {
  const codes = [...townshipCodes];
  const out = new Map(codes.map((c) => [c, blank()]));
  if (codes.length === 0) return out;
  const { start, end } = chinaYearBounds(year);
  const [samples, spotChecks, surveys] = await Promise.all([
    prisma.$queryRaw<{ townshipCode: string; kind: string; checked: bigint; found: bigint }[]>`
      SELECT v."townshipCode", v.kind::text AS kind, count(s.finding) AS checked,
             count(*) FILTER (WHERE s.finding IN ('WRONGLY_EXITED', 'MISSED_POOR')) AS found
      FROM "VerificationSample" s JOIN "Verification" v ON v.id = s."verificationId"
      WHERE v.year = ${year}::int AND v."townshipCode" = ANY(${codes}::text[])
      GROUP BY 1, 2`,
    prisma.$queryRaw<{ townshipCode: string; action: ProposalAction; finding: VisitFinding }[]>`
      SELECT c."townshipCode", p.action::text AS action, c.finding
      FROM (
        SELECT DISTINCT ON (sc->>'proposalId') r."townshipCode", sc->>'proposalId' AS "proposalId",
               sc->>'finding' AS finding, d.at
        FROM "Decision" d
        JOIN "Round" r ON r.id = d."roundId"
        CROSS JOIN LATERAL jsonb_array_elements(
          CASE WHEN jsonb_typeof(d.payload->'spotChecks') = 'array' THEN d.payload->'spotChecks' ELSE '[]'::jsonb END
        ) sc
        WHERE d.kind = 'COUNTY_ANNOUNCEMENT' AND r."townshipCode" = ANY(${codes}::text[])
        ORDER BY sc->>'proposalId', d.at DESC
      ) c
      JOIN "Proposal" p ON p.id::text = c."proposalId"
      WHERE c.at >= ${start}::timestamp(3) AND c.at < ${end}::timestamp(3)`,
    prisma.survey.groupBy({
      by: ['townshipCode'],
      where: { year, townshipCode: { in: codes } },
      _sum: { respondents: true, satisfied: true },
    }),
  ]);
  for (const s of samples) {
    const c = out.get(s.townshipCode);
    if (!c) continue;
    const ratio = s.kind === 'EXITED' ? c.wronglyExited : c.missed;
    ratio.numerator += n(s.found);
    ratio.denominator += n(s.checked);
  }
  const checksBy = new Map<string, typeof spotChecks>();
  for (const s of spotChecks) checksBy.set(s.townshipCode, [...(checksBy.get(s.townshipCode) ?? []), s]);
  for (const [code, checks] of checksBy) {
    const c = out.get(code);
    if (!c) continue;
    const r = spotCheckRatio(checks);
    c.wronglyExited.numerator += r.numerator;
    c.wronglyExited.denominator += r.denominator;
  }
  for (const s of surveys) {
    const c = out.get(s.townshipCode);
    if (!c) continue;
    c.approval.numerator += n(s._sum.satisfied);
    c.approval.denominator += n(s._sum.respondents);
  }
  return out;
}

/**
 * The figures of each township (by code) and of them all together (numerators and denominators pooled, never
 * averaged). Plain data, so that an activity may return it.
 */
export async function accuracyFigures(
  prisma: PrismaClient,
  query: { townshipCodes: readonly string[]; year: number },
): Promise<{ townships: Record<string, AccuracyFigures>; total: AccuracyFigures }> {
  const counts = await accuracyCounts(prisma, query);
  return {
    townships: Object.fromEntries([...counts].map(([code, c]) => [code, figuresOf(c)])),
    total: figuresOf(poolCounts([...counts.values()])),
  };
}
