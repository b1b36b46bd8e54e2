import { ConfigError, loadConfig } from '../../infra/config';
import { buildDemoCounty, VILLAGES_BEHIND_PLAN } from '../../infra/seed-data';
import { candidateSql } from '../../activities/supervision';
import {
  chinaYear,
  chinaYearBounds,
  DEFAULT_SUPERVISION_POLICY,
  FINDING_ACTIONS,
  FINDING_KINDS,
  FINDING_LABELS,
  mayExit,
  poorShare,
} from '../../domain/supervision';
import { STAGE_ACTOR } from '../../domain/procedure';
import { STAGES } from '../../domain/enums';

describe('supervision rules', () => {
  it('judges years in China time (UTC+8)', () => {
    expect(chinaYear(Date.parse('2025-12-31T15:59:59Z'))).toBe(2025);
    expect(chinaYear(Date.parse('2025-12-31T16:00:00Z'))).toBe(2026);
    expect(chinaYearBounds(2026)).toEqual({
      start: new Date('2025-12-31T16:00:00Z'),
      end: new Date('2026-12-31T16:00:00Z'),
    });
  });

  it('lets a village exit as a whole below the poor-share threshold, and says so only when it can tell', () => {
    expect(poorShare(29, 1000)).toBeCloseTo(0.029);
    expect(mayExit(poorShare(29, 1000), 0.03)).toBe(true);
    expect(mayExit(poorShare(30, 1000), 0.03)).toBe(false);
    expect(poorShare(10, null)).toBeNull();
    expect(poorShare(10, 0)).toBeNull();
    expect(mayExit(null, 0.03)).toBeNull();
  });

  it('escalates an overdue stage to whoever must act at it', () => {
    expect(STAGE_ACTOR).toEqual({
      VILLAGE_ASSESSMENT: 'VILLAGE',
      FIRST_PUBLICITY: 'TOWNSHIP',
      TOWNSHIP_REVIEW: 'TOWNSHIP',
      SECOND_PUBLICITY: 'TOWNSHIP',
      COUNTY_ANNOUNCEMENT: 'COUNTY',
      ANNOUNCEMENT_PERIOD: 'COUNTY',
    });
    expect(Object.keys(STAGE_ACTOR).sort()).toEqual(STAGES.filter((s) => s !== 'COMPLETED').sort());
  });

  it('labels every kind and tells what to do about it', () => {
    for (const kind of FINDING_KINDS) {
      expect(FINDING_LABELS[kind]).toMatch(/[\u4e00-\u9fff]/);
      expect(FINDING_ACTIONS[kind].length).toBeGreaterThan(5);
    }
  });

  it('builds every candidate query with parameters, never with the values spliced into the text', () => {
    for (const kind of FINDING_KINDS) {
      const sql = candidateSql({
        kind,
        sweepId: 'sweep-x',
        at: '2026-11-29T00:00:00.000Z',
        year: 2026,
        policy: DEFAULT_SUPERVISION_POLICY,
      });
      expect(sql.sql).toMatch(/^\s*SELECT /);
      expect(sql.sql).not.toContain('2026');
      expect(sql.sql).not.toContain('sweep-x');
    }
  });
});

describe('demo county exits and populations', () => {
  const data = buildDemoCounty();

  it('gives every village a population of 600 to 3,000', () => {
    for (const v of data.villages) {
      expect(Number.isInteger(v.population)).toBe(true);
      expect(v.population).toBeGreaterThanOrEqual(600);
      expect(v.population).toBeLessThanOrEqual(3000);
    }
    expect(new Set(data.villages.map((v) => v.population)).size).toBeGreaterThan(150);
  });

  it('has every township and all but five villages out of poverty as planned', () => {
    for (const t of data.townships) expect(t.exitedYear).toBe(t.plannedExitYear);
    const behind = data.villages.filter((v) => v.exitedYear === null);
    expect(behind).toHaveLength(5);
    const byYear: Record<number, number> = {};
    for (const v of behind) byYear[v.plannedExitYear] = (byYear[v.plannedExitYear] ?? 0) + 1;
    expect(byYear).toEqual(VILLAGES_BEHIND_PLAN);
    for (const v of data.villages) if (v.exitedYear !== null) expect(v.exitedYear).toBe(v.plannedExitYear);
  });
});

describe('supervision configuration', () => {
  it('defaults to 08:00 Asia/Shanghai daily, 7 and 14 days, 3%', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      SUPERVISION_CRON: '0 8 * * *',
      SUPERVISION_TIMEZONE: 'Asia/Shanghai',
      SUPERVISION_OBJECTION_STALE_AFTER: '7 days',
      SUPERVISION_ROUND_STUCK_AFTER: '14 days',
      EXIT_POOR_SHARE_THRESHOLD: 0.03,
    });
  });

  it('refuses a bad time zone, cron, duration or threshold with one clear message', () => {
    expect(() => loadConfig({ SUPERVISION_TIMEZONE: 'Mars/Olympus' })).toThrow(ConfigError);
    expect(() => loadConfig({ SUPERVISION_TIMEZONE: 'Mars/Olympus' })).toThrow(/SUPERVISION_TIMEZONE/);
    expect(() => loadConfig({ SUPERVISION_CRON: 'daily' })).toThrow(/SUPERVISION_CRON/);
    expect(() => loadConfig({ SUPERVISION_ROUND_STUCK_AFTER: 'a fortnight' })).toThrow(/SUPERVISION_ROUND_STUCK/);
    expect(() => loadConfig({ EXIT_POOR_SHARE_THRESHOLD: '3' })).toThrow(/EXIT_POOR_SHARE_THRESHOLD/);
    expect(loadConfig({ SUPERVISION_CRON: '@daily', EXIT_POOR_SHARE_THRESHOLD: '0.02' })).toMatchObject({
      SUPERVISION_CRON: '@daily',
      EXIT_POOR_SHARE_THRESHOLD: 0.02,
    });
  });
});
