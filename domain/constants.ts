export const TASK_QUEUE = 'jingzhun-rounds';

/** The county of the demo seed (DOMAIN.md): Qin'an, Gansu. */
export const DEMO_COUNTY_CODE = '620522';

/** Custom search attributes registered on the Temporal namespace, so the Web UI can filter rounds and exits. */
export const SEARCH_ATTRIBUTES = {
  village: { name: 'JzVillage', type: 'Keyword' },
  township: { name: 'JzTownship', type: 'Keyword' },
  stage: { name: 'JzStage', type: 'Keyword' },
  campaign: { name: 'JzCampaign', type: 'Keyword' },
  /** The level of an exit workflow (摘帽): VILLAGE, TOWNSHIP or COUNTY. */
  exitLevel: { name: 'JzExitLevel', type: 'Keyword' },
} as const;

/** Division codes: county 6 digits, township 9, village 12. */
export type ScopeLevel = 'COUNTY' | 'TOWNSHIP' | 'VILLAGE';

export function scopeLevel(code: string): ScopeLevel | null {
  if (/^\d{6}$/.test(code)) return 'COUNTY';
  if (/^\d{9}$/.test(code)) return 'TOWNSHIP';
  if (/^\d{12}$/.test(code)) return 'VILLAGE';
  return null;
}

export function townshipOf(villageCode: string): string {
  return villageCode.slice(0, 9);
}

export function countyOf(code: string): string {
  return code.slice(0, 6);
}

export function roundWorkflowId(villageCode: string, roundNo: number): string {
  return `round-${villageCode}-${roundNo}`;
}
