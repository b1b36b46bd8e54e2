import { isValidIdNumber } from '../../domain/idNumber';
import { CAUSES } from '../../domain/enums';
import { buildDemoCounty, UNASSIGNED_HOUSEHOLD_COUNT } from '../../infra/seed-data';

const data = buildDemoCounty();

function countBy<T>(items: T[], key: (item: T) => string | number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

describe('buildDemoCounty', () => {
  it("describes Qin'an county", () => {
    expect(data.county).toEqual({ code: '620522', name: '秦安县' });
  });

  it('has 17 townships with 9-digit codes under the county and the township exit timetable', () => {
    expect(data.townships).toHaveLength(17);
    for (const t of data.townships) {
      expect(t.code).toMatch(/^620522\d{3}$/);
      expect(t.countyCode).toBe('620522');
      expect(t.name).toMatch(/镇$|乡$/);
    }
    expect(new Set(data.townships.map((t) => t.code)).size).toBe(17);
    expect(new Set(data.townships.map((t) => t.name)).size).toBe(17);
    expect(countBy(data.townships, (t) => t.plannedExitYear)).toEqual({ 2014: 4, 2015: 1, 2016: 4, 2017: 8 });
  });

  it('has 193 poor villages, at least 5 per township, with 12-digit codes under their township', () => {
    expect(data.villages).toHaveLength(193);
    const townshipCodes = new Set(data.townships.map((t) => t.code));
    for (const v of data.villages) {
      expect(v.isPoor).toBe(true);
      expect(v.code).toMatch(/^\d{12}$/);
      expect(v.code.startsWith(v.townshipCode)).toBe(true);
      expect(townshipCodes.has(v.townshipCode)).toBe(true);
      expect(v.name).toMatch(/村$/);
    }
    expect(new Set(data.villages.map((v) => v.code)).size).toBe(193);
    const perTownship = countBy(data.villages, (v) => v.townshipCode);
    for (const code of townshipCodes) expect(perTownship[code]).toBeGreaterThanOrEqual(5);
  });

  it('gives village names unique within each township', () => {
    const keys = data.villages.map((v) => `${v.townshipCode}:${v.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('puts every village in one of the 3 special-hardship belts, all used', () => {
    for (const v of data.villages) expect([1, 2, 3]).toContain(v.belt);
    expect(new Set(data.villages.map((v) => v.belt)).size).toBe(3);
  });

  it('follows the village exit timetable', () => {
    expect(countBy(data.villages, (v) => v.plannedExitYear)).toEqual({
      2014: 14,
      2015: 31,
      2016: 59,
      2017: 60,
      2018: 29,
    });
  });

  it('has 15 to 20 households per village with unique registry numbers and ids', () => {
    const perVillage = countBy(data.households, (h) => h.villageCode);
    for (const v of data.villages) {
      expect(perVillage[v.code]).toBeGreaterThanOrEqual(15);
      expect(perVillage[v.code]).toBeLessThanOrEqual(20);
    }
    expect(new Set(data.households.map((h) => h.registryNo)).size).toBe(data.households.length);
    expect(new Set(data.households.map((h) => h.id)).size).toBe(data.households.length);
    for (const h of data.households) {
      expect(h.registryNo.startsWith(`${h.villageCode}-`)).toBe(true);
      expect(h.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('gives every household a valid, unique ID number from the county, born 1940-1995', () => {
    for (const h of data.households) {
      expect(isValidIdNumber(h.idNumber)).toBe(true);
      expect(h.idNumber.startsWith('620522')).toBe(true);
      const year = Number(h.idNumber.slice(6, 10));
      expect(year).toBeGreaterThanOrEqual(1940);
      expect(year).toBeLessThanOrEqual(1995);
    }
    expect(new Set(data.households.map((h) => h.idNumber)).size).toBe(data.households.length);
  });

  it('keeps household fields consistent with their status', () => {
    for (const h of data.households) {
      expect(h.size).toBeGreaterThanOrEqual(1);
      expect(h.size).toBeLessThanOrEqual(8);
      expect(h.headName).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
      if (h.phone !== null) expect(h.phone).toMatch(/^1[358]\d{9}$/);
      if (h.status === 'NOT_REGISTERED') {
        expect(h.category).toBeNull();
        expect(h.cause).toBeNull();
        expect(h.registeredOn).toBeNull();
      } else {
        expect(h.category).not.toBeNull();
        expect(CAUSES).toContain(h.cause);
        expect(h.registeredOn?.getUTCFullYear()).toBe(2014);
      }
      if (h.status === 'EXITED') {
        expect(h.exitReason).toBe('REACHED_STANDARD');
        const year = h.exitedOn?.getUTCFullYear() ?? 0;
        expect(year).toBeGreaterThanOrEqual(2014);
        expect(year).toBeLessThanOrEqual(2017);
        expect(h.exitedOn!.getTime()).toBeGreaterThan(h.registeredOn!.getTime());
      } else {
        expect(h.exitReason).toBeNull();
        expect(h.exitedOn).toBeNull();
      }
    }
  });

  it('mixes statuses roughly 70/20/10', () => {
    const n = data.households.length;
    const byStatus = countBy(data.households, (h) => h.status);
    expect(n).toBeGreaterThan(2500);
    expect(byStatus.REGISTERED! / n).toBeCloseTo(0.7, 1);
    expect(byStatus.EXITED! / n).toBeCloseTo(0.2, 1);
    expect(byStatus.NOT_REGISTERED! / n).toBeCloseTo(0.1, 1);
  });

  it('assigns a responsible unit and person to every village', () => {
    const villageAssignments = data.responsibilities.filter((r) => r.subject === 'VILLAGE');
    expect(villageAssignments).toHaveLength(193);
    expect(new Set(villageAssignments.map((r) => r.villageCode))).toEqual(new Set(data.villages.map((v) => v.code)));
    for (const r of villageAssignments) {
      expect(r.householdId).toBeNull();
      expect(r.unit).toMatch(/^县/);
      expect(r.personName.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('assigns a dual-link cadre to every registered household except a deliberate few', () => {
    const householdAssignments = data.responsibilities.filter((r) => r.subject === 'HOUSEHOLD');
    const assigned = new Set(householdAssignments.map((r) => r.householdId));
    expect(assigned.size).toBe(householdAssignments.length);
    const byId = new Map(data.households.map((h) => [h.id, h]));
    for (const r of householdAssignments) {
      expect(r.villageCode).toBeNull();
      expect(byId.get(r.householdId!)?.status).toBe('REGISTERED');
    }
    const unassigned = data.households.filter((h) => h.status === 'REGISTERED' && !assigned.has(h.id));
    expect(unassigned).toHaveLength(UNASSIGNED_HOUSEHOLD_COUNT);
    expect(UNASSIGNED_HOUSEHOLD_COUNT).toBeGreaterThan(0);
  });

  it('is deterministic', () => {
    expect(buildDemoCounty()).toEqual(data);
  });
});
