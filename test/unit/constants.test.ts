import {
  countyOf,
  DEMO_COUNTY_CODE,
  roundWorkflowId,
  scopeLevel,
  SEARCH_ATTRIBUTES,
  TASK_QUEUE,
  townshipOf,
} from '../../domain/constants';

describe('scopeLevel', () => {
  it('recognises county (6), township (9) and village (12 digit) codes', () => {
    expect(scopeLevel('620522')).toBe('COUNTY');
    expect(scopeLevel('620522100')).toBe('TOWNSHIP');
    expect(scopeLevel('620522100201')).toBe('VILLAGE');
  });

  it.each([
    '',
    '62052',
    '6205221',
    '62052210',
    '6205221002',
    '62052210020',
    '6205221002011',
    '62052X',
    ' 620522',
    '620522 ',
    'abcdef',
  ])('returns null for %j', (code) => {
    expect(scopeLevel(code)).toBeNull();
  });
});

describe('townshipOf / countyOf', () => {
  it('takes the township and county prefixes of a village code', () => {
    expect(townshipOf('620522100201')).toBe('620522100');
    expect(countyOf('620522100201')).toBe('620522');
    expect(countyOf('620522100')).toBe('620522');
  });
});

describe('roundWorkflowId', () => {
  it('is derived from the village and the round number', () => {
    expect(roundWorkflowId('620522100201', 1)).toBe('round-620522100201-1');
    expect(roundWorkflowId('620522100201', 12)).toBe('round-620522100201-12');
  });

  it('differs between villages and between rounds', () => {
    const ids = new Set([
      roundWorkflowId('620522100201', 1),
      roundWorkflowId('620522100201', 2),
      roundWorkflowId('620522100202', 1),
    ]);
    expect(ids.size).toBe(3);
  });
});

describe('constants', () => {
  it('has the demo county, the task queue and distinct search attributes', () => {
    expect(DEMO_COUNTY_CODE).toBe('620522');
    expect(scopeLevel(DEMO_COUNTY_CODE)).toBe('COUNTY');
    expect(TASK_QUEUE).toBe('jingzhun-rounds');
    const names = Object.values(SEARCH_ATTRIBUTES).map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    for (const a of Object.values(SEARCH_ATTRIBUTES)) expect(a.type).toBe('Keyword');
  });
});
