import { createLogger, currentRequestId, redact, requestIdFrom, withRequestId } from '../../infra/logger';
import { makeIdNumber } from '../../domain/idNumber';

const ID = '620102198001011239';
const ID_X = makeIdNumber('620522', { y: 1980, m: 1, d: 1 }, 9); // 62052219800101009X
const PHONE = '13812345678';

describe('redact', () => {
  it('replaces an 18-digit ID number', () => {
    expect(redact(`household ${ID} exists`)).toBe('household [id-number] exists');
  });

  it('replaces an ID number ending in X or x', () => {
    expect(ID_X.endsWith('X')).toBe(true);
    expect(redact(`id=${ID_X}`)).toBe('id=[id-number]');
    expect(redact(`id=${ID_X.toLowerCase()}`)).toBe('id=[id-number]');
  });

  it('replaces an 11-digit mobile number', () => {
    expect(redact(`call ${PHONE}.`)).toBe('call [phone].');
    expect(redact(`tel:${PHONE}`)).toBe('tel:[phone]');
    expect(redact('19912345678')).toBe('[phone]');
  });

  it('replaces every occurrence, inside JSON too', () => {
    const json = JSON.stringify({ a: ID, b: [PHONE, ID_X], c: `${PHONE},${ID}` });
    const out = redact(json);
    expect(out).not.toMatch(/\d{11}/);
    expect(JSON.parse(out)).toEqual({
      a: '[id-number]',
      b: ['[phone]', '[id-number]'],
      c: '[phone],[id-number]',
    });
  });

  it.each([
    ['a 12-digit village code', 'village 620522100201'],
    ['a 9-digit township code', 'township 620522100'],
    ['a registry number', '620522100201-0001'],
    ['a UUID', 'round 3f2b8c1e-9d4a-4b7e-8f21-620522100201'],
    ['a UUID with digit-heavy groups', '12345678-1234-4234-8234-123456789012'],
    ['an ISO timestamp', '2026-11-29T16:30:00.000Z'],
    ['an epoch in milliseconds', 't=1764433800000'],
    ['an epoch in seconds', 't=1764433800'],
    ['a workflow id', 'round-620522100201-3'],
    ['a 17-digit number', '62010219800101123'],
    ['a 19-digit number', '6201021980010112390'],
    ['10 and 12 digits starting with 1', '1381234567 138123456789'],
    ['11 digits not starting with 13-19', '12812345678 10012345678'],
    ['a short number', 'count 42 of 30'],
  ])('leaves %s untouched', (_name, text) => {
    expect(redact(text)).toBe(text);
  });

  // BUG (reported): the look-arounds only exclude digits, so 11 digits of a UUID group preceded or
  // followed by a hex letter are taken for a mobile number and the UUID is mangled in the log.
  it.each([
    ['a UUID whose last group is a hex letter and 11 digits', '8f0e2a71-5c3d-4e9b-a1f2-a13812345678'],
    ['a UUID whose last group is 11 digits and a hex letter', '8f0e2a71-5c3d-4e9b-a1f2-13812345678b'],
  ])('leaves %s untouched', (_name, text) => {
    expect(redact(text)).toBe(text);
  });
});

describe('createLogger', () => {
  function capture(level?: 'debug' | 'info' | 'warn' | 'error') {
    const lines: string[] = [];
    const log = createLogger(level, (line) => lines.push(line));
    return { log, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
  }

  it('writes one JSON object per line with a timestamp, level, message and fields', () => {
    const { log, lines, records } = capture('debug');
    log.info('round started', { roundId: 'r1', n: 3 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    const [rec] = records();
    expect(rec).toMatchObject({ level: 'info', msg: 'round started', roundId: 'r1', n: 3 });
    expect(typeof rec!.time).toBe('string');
    expect(new Date(rec!.time as string).toISOString()).toBe(rec!.time);
  });

  it('defaults to info: debug is dropped', () => {
    const { log, records } = capture();
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(records().map((r) => [r.level, r.msg])).toEqual([
      ['info', 'i'],
      ['warn', 'w'],
      ['error', 'e'],
    ]);
  });

  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ] as const)('at level %s emits %j', (level, expected) => {
    const { log, records } = capture(level);
    log.debug('m');
    log.info('m');
    log.warn('m');
    log.error('m');
    expect(records().map((r) => r.level)).toEqual(expected);
  });

  it('redacts ID and phone numbers in the message and the fields', () => {
    const { log, lines, records } = capture('info');
    log.error(`duplicate ID number ${ID} for ${PHONE}`, { idNumber: ID_X, contact: PHONE, village: '620522100201' });
    expect(lines[0]).not.toContain(ID);
    expect(lines[0]).not.toContain(ID_X);
    expect(lines[0]).not.toContain(PHONE);
    expect(records()[0]).toMatchObject({
      level: 'error',
      msg: 'duplicate ID number [id-number] for [phone]',
      idNumber: '[id-number]',
      contact: '[phone]',
      village: '620522100201',
    });
  });

  it('redacts a field that is an Error (its message and stack)', () => {
    const { lines, log } = capture('info');
    log.error('failed', { error: new Error(`no household ${ID}`) });
    expect(lines[0]).not.toContain(ID);
    expect(JSON.parse(lines[0]!).error).toMatchObject({ type: 'Error', message: 'no household [id-number]' });
  });

  it('redacts pretty-printed lines too', () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      createLogger('info', undefined, { format: 'pretty' }).warn(`call ${PHONE}`, { idNumber: ID });
    } finally {
      spy.mockRestore();
    }
    const out = written.join('');
    expect(out).toContain('call [phone]');
    expect(out).toContain('[id-number]');
    expect(out).not.toContain(PHONE);
    expect(out).not.toContain(ID);
    expect(() => JSON.parse(out)).toThrow(); // not JSON: a line for a person to read
  });
});

describe('request ids', () => {
  it('adds reqId to every line logged inside a request, also after an await', async () => {
    const lines: string[] = [];
    const log = createLogger('info', (line) => lines.push(line));
    log.info('outside');
    await withRequestId('req-0001abcd', async () => {
      log.info('first');
      await new Promise((resolve) => setImmediate(resolve));
      expect(currentRequestId()).toBe('req-0001abcd');
      log.warn('after await', { n: 1 });
    });
    log.info('outside again');
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>).map((r) => [r.msg, r.reqId])).toEqual([
      ['outside', undefined],
      ['first', 'req-0001abcd'],
      ['after await', 'req-0001abcd'],
      ['outside again', undefined],
    ]);
  });

  it.each([
    ['a UUID', '3f2b8c1e-9d4a-4b7e-8f21-620522100201'],
    ['a ULID', '01ARZ3NDEKTSV4RRFFQ69G5FAV'],
    ['a proxy token', 'edge-1:abc.def_42'],
  ])('keeps a well-formed incoming id (%s)', (_name, id) => {
    expect(requestIdFrom(id)).toBe(id);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['too short', 'abc'],
    ['too long', 'a'.repeat(129)],
    ['with spaces', 'hello world 123'],
    ['with a newline', 'abcdefgh\nforged: line'],
    ['with quotes', 'abcdefgh"}'],
    ['non-ASCII', '请求编号一二三四五六'],
  ])('replaces an ill-formed incoming id (%s) by a new UUID', (_name, id) => {
    const got = requestIdFrom(id);
    expect(got).not.toBe(id);
    expect(got).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requestIdFrom(undefined)).not.toBe(got);
  });
});
