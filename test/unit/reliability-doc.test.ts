// docs/RELIABILITY.md claims only what its cited tests exist to check, and its results are generated, not written:
// every row cites existing tests by file and name, and the "last result" cells and the summary section are exactly
// what the recorded run (docs/test-results.json) gives.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  citationProblems,
  claims,
  DOC,
  readResults,
  render,
  resultOf,
  ROOT,
  suiteFiles,
  titleMatches,
  titlesIn,
  type Claim,
  type Results,
} from '../support/reliability';

const md = fs.readFileSync(DOC, 'utf8');

describe('docs/RELIABILITY.md', () => {
  test('every row cites tests that exist, by file and describe or test name', () => {
    const rows = claims(md);
    expect(rows.length).toBeGreaterThan(30);
    expect(citationProblems(md)).toEqual([]);
  });

  test('its "last result" cells and summary are those the recorded results give (generated, never edited)', () => {
    // In a child process: Prettier, which formats the generated page, cannot be loaded inside Jest's sandbox.
    const run = spawnSync(process.execPath, [path.join(ROOT, 'test/support/reliability.js'), '--check'], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('the citation check', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-'));
    fs.mkdirSync(path.join(root, 'test/unit'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'test/unit/a.test.ts'),
      [
        "describe('outer', () => {",
        "  test('does \\'this\\'', () => {});",
        '  test.each([[1, 2]])(`adds %d and %d`, () => {});',
        '  it.concurrent("an \'it\'", () => {});',
        '});',
      ].join('\n'),
    );
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const doc = (cell: string) =>
    ['| property | test | last result |', '| --- | --- | --- |', `| a claim | ${cell} | pass |`].join('\n');

  test('finds describe, test, test.each and it titles, quotes unescaped', () => {
    const src = fs.readFileSync(path.join(root, 'test/unit/a.test.ts'), 'utf8');
    expect([...titlesIn(src)].sort()).toEqual(['adds %d and %d', "an 'it'", "does 'this'", 'outer']);
  });

  test('accepts existing names and fails on a name, a file or a citation that is missing', () => {
    expect(
      citationProblems(doc("`test/unit/a.test.ts` › `does 'this'`<br>`test/unit/a.test.ts` › `outer`"), root),
    ).toEqual([]);
    expect(citationProblems(doc('`test/unit/a.test.ts` › `does that`'), root)).toEqual([
      expect.stringContaining('has no describe or test named "does that"'),
    ]);
    expect(citationProblems(doc('`test/unit/b.test.ts` › `outer`'), root)).toEqual([
      expect.stringContaining('test/unit/b.test.ts does not exist'),
    ]);
    expect(citationProblems(doc('`test/support/http.ts` › `api`'), root)).toEqual([
      expect.stringContaining('is not a test file'),
    ]);
    expect(citationProblems(doc('a test somewhere'), root)).toEqual([expect.stringContaining('cites no test')]);
  });

  test('a row passes only when every test it cites passed in the recorded run', () => {
    const run = (statuses: [string[], 'passed' | 'failed' | 'skipped'][]): Results => ({
      test: {
        date: '2026-12-01T00:00:00.000Z',
        commit: 'c0ffee',
        dirty: false,
        host: 'h',
        durationMs: 1,
        suites: { total: 1, passed: 1, failed: 0 },
        tests: { total: statuses.length, passed: 0, failed: 0, skipped: 0 },
        files: {
          'test/unit/a.test.ts': {
            passed: 0,
            failed: 0,
            skipped: 0,
            tests: statuses.map(([titles, status]) => ({ titles, status, ms: 1 })),
          },
        },
      },
    });
    const row = claims(doc('`test/unit/a.test.ts` › `outer`'))[0] as Claim;
    const each = claims(doc('`test/unit/a.test.ts` › `adds %d and %d`'))[0] as Claim;
    const both: [string[], 'passed'][] = [
      [['outer', "does 'this'"], 'passed'],
      [['outer', 'adds 1 and 2'], 'passed'],
    ];
    expect(resultOf(run(both), row)).toBe('pass (2 tests)');
    expect(resultOf(run(both), each)).toBe('pass (1 test)');
    expect(resultOf(run([both[0]!, [['outer', 'adds 1 and 2'], 'failed']]), row)).toMatch(/FAIL.*1 of 2/);
    expect(resultOf(run([both[0]!, [['outer', 'adds 1 and 2'], 'skipped']]), row)).toMatch(/incomplete/);
    expect(resultOf(run([[['other'], 'passed']]), row)).toMatch(/not in the last run/);
    expect(resultOf({}, row)).toMatch(/not run/);
    expect(titleMatches('adds %d and %d', 'adds 1 and 2')).toBe(true);
    expect(titleMatches('adds %d and %d', 'subtracts 1 and 2')).toBe(false);
  });

  test('a hand-edited result cell is not what the recorded results give', () => {
    const lines = md.split('\n');
    const row = claims(md)[0]!;
    const cells = [...row.cells];
    cells[row.resultCol] = 'pass (999 tests)';
    lines[row.line] = `| ${cells.join(' | ')} |`;
    const edited = lines.join('\n');
    expect(render(edited, readResults())).not.toBe(edited);
    expect(render(edited, readResults()).split('\n')[row.line]).not.toContain('999');
  });

  test('knows every test file of both suites', () => {
    expect(suiteFiles('test')).toContain('test/unit/reliability-doc.test.ts');
    expect(suiteFiles('faults')).toContain('test/faults/worker-crash.fault.ts');
    expect(suiteFiles('test').some((f) => f.startsWith('test/faults/'))).toBe(false);
  });
});
