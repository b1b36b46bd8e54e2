// docs/RELIABILITY.md and docs/test-results.json: the claims, the tests they cite and the last recorded run.
//
// Each table row of RELIABILITY.md cites its tests as `file` › `name` (a `describe` or `test` title in that file;
// a describe cites every test inside it). Its "last result" cell and the section between the markers below are
// generated from docs/test-results.json, which test/support/results-reporter.js writes at the end of a full run
// of `npm test`, `npm run test:faults` or `npm run test:cluster`. Nothing here is written by hand.
//
// `node test/support/reliability.js` re-renders RELIABILITY.md from the recorded results (after editing a row),
// without running any test.
// CommonJS on purpose: Jest loads reporters untranspiled.
/* eslint-disable @typescript-eslint/no-require-imports */
/* global __dirname, process, console */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '../..');
const DOC = path.join(ROOT, 'docs/RELIABILITY.md');
const RESULTS = path.join(ROOT, 'docs/test-results.json');
const BEGIN = '<!-- last-results:begin (generated from docs/test-results.json; do not edit) -->';
const END = '<!-- last-results:end -->';

/** The runs that are recorded, by results key: the command that makes one and the files it runs. */
const SUITES = {
  test: { command: 'npm test', dir: 'test', pattern: /\.test\.ts$/ },
  faults: { command: 'npm run test:faults', dir: 'test/faults', pattern: /\.fault\.ts$/ },
  cluster: { command: 'npm run test:cluster', dir: 'test/cluster', pattern: /\.cluster\.ts$/ },
};

/** The test files of a suite, relative to the project root, sorted. */
function suiteFiles(key, root = ROOT) {
  const { dir, pattern } = SUITES[key];
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(path.join(root, d), { withFileTypes: true })) {
      const rel = `${d}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (pattern.test(e.name)) out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}

/** Which suite a test file belongs to. */
function suiteOf(file) {
  return Object.keys(SUITES).find((k) => file.startsWith(`${SUITES[k].dir}/`) && SUITES[k].pattern.test(file));
}

/** Unescapes the body of a JS string literal (quotes, backslashes and the usual escapes). */
function unescapeLiteral(body) {
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_, e) => {
    if (e[0] === 'u') return String.fromCodePoint(parseInt(e.replace(/[u{}]/g, ''), 16));
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    return { n: '\n', t: '\t', r: '\r', 0: '\0' }[e] ?? e;
  });
}

/**
 * The titles of every `describe`, `test` and `it` in a test file's source (including `.each(...)`, `.only`,
 * `.skip`, `.concurrent`), as written: a title built at run time (`%s`, `${}`) is kept with its placeholders.
 */
function titlesIn(source) {
  const titles = new Set();
  const start = /\b(describe|test|it)\b/g;
  let m;
  while ((m = start.exec(source))) {
    let i = m.index + m[0].length;
    // Modifiers and .each(...) before the call itself.
    for (;;) {
      const mod = /^\s*\.\s*(only|skip|concurrent|failing|todo|each)\b/.exec(source.slice(i));
      if (!mod) break;
      i += mod[0].length;
      if (mod[1] === 'each') {
        const open = /^\s*\(/.exec(source.slice(i));
        if (!open) break;
        i += open[0].length;
        for (let depth = 1; i < source.length && depth > 0; i++) {
          if (source[i] === '(') depth++;
          else if (source[i] === ')') depth--;
        }
      }
    }
    const call = /^\s*\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/s.exec(source.slice(i));
    if (call) titles.add(unescapeLiteral(call[2]));
  }
  return titles;
}

/** The cells of a Markdown table row (`| a | b |`), unescaping `\|`. */
function cells(line) {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

/** Citations in a "test" cell: `file` › `name`; several separated by `;` or `<br>`. */
function citationsIn(cell) {
  const out = [];
  const re = /`(test\/[^`]+\.ts)`\s*›\s*(`+)\s?(.*?)\s?\2(?!`)/g;
  let m;
  while ((m = re.exec(cell))) out.push({ file: m[1], name: m[3] });
  return out;
}

/**
 * The table rows of the document that make a claim: every row of a table whose header has a "test" and a
 * "last result" column, with its line number, its cells and its citations.
 */
function claims(md) {
  const lines = md.split('\n');
  const rows = [];
  let header;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim().startsWith('|')) {
      header = undefined;
      continue;
    }
    const c = cells(line);
    if (!header) {
      header = c.map((h) => h.toLowerCase());
      continue;
    }
    if (c.every((x) => /^:?-+:?$/.test(x))) continue;
    const testCol = header.indexOf('test');
    const resultCol = header.indexOf('last result');
    if (testCol < 0 || resultCol < 0) continue;
    rows.push({ line: i, cells: c, testCol, resultCol, property: c[0], citations: citationsIn(c[testCol]) });
  }
  return rows;
}

/** Problems with the citations: rows citing nothing, files that do not exist, names no describe/test has. */
function citationProblems(md, root = ROOT) {
  const problems = [];
  const sources = new Map();
  for (const row of claims(md)) {
    const where = `line ${row.line + 1} (${row.property.slice(0, 60)})`;
    if (row.citations.length === 0) problems.push(`${where}: cites no test (\`file\` › \`name\`)`);
    for (const { file, name } of row.citations) {
      if (!suiteOf(file)) {
        problems.push(`${where}: ${file} is not a test file of npm test, npm run test:faults or npm run test:cluster`);
        continue;
      }
      if (!sources.has(file)) {
        const full = path.join(root, file);
        sources.set(file, fs.existsSync(full) ? titlesIn(fs.readFileSync(full, 'utf8')) : null);
      }
      const titles = sources.get(file);
      if (titles === null) problems.push(`${where}: ${file} does not exist`);
      else if (!titles.has(name)) problems.push(`${where}: ${file} has no describe or test named "${name}"`);
    }
  }
  return problems;
}

/**
 * Whether a title as run matches a title as written: a title built at run time (`test.each` placeholders such as
 * `%s`, or `${...}` in a template) matches whatever was put in their place.
 */
function titleMatches(written, run) {
  if (!/%[sdifjopi#]|\$\{/.test(written)) return written === run;
  const parts = written.split(/%[sdifjopi#]|\$\{[^}]*\}/).map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*?')}$`, 's').test(run);
}

/** The recorded tests a citation names: the test itself, or every test inside the describe. */
function matching(results, { file, name }) {
  const suite = results?.[suiteOf(file)];
  if (!suite) return undefined;
  const f = suite.files[file];
  if (!f) return [];
  return f.tests.filter((t) => t.titles.some((title) => titleMatches(name, title)));
}

/** The "last result" of a row, from the recorded runs. */
function resultOf(results, row) {
  if (row.citations.length === 0) return 'no test cited';
  const runs = row.citations.map((c) => matching(results, c));
  if (runs.some((r) => r === undefined)) {
    const missing = [...new Set(row.citations.filter((_, i) => !runs[i]).map((c) => SUITES[suiteOf(c.file)].command))];
    return `not run (no recorded \`${missing.join('`, `')}\`)`;
  }
  if (runs.some((r) => r.length === 0)) return '**not in the last run**';
  const tests = runs.flat();
  const failed = tests.filter((t) => t.status === 'failed').length;
  const other = tests.filter((t) => t.status !== 'passed' && t.status !== 'failed').length;
  if (failed) return `**FAIL** (${failed} of ${tests.length} tests)`;
  if (other) return `**incomplete** (${other} of ${tests.length} tests skipped)`;
  return `pass (${tests.length} ${tests.length === 1 ? 'test' : 'tests'})`;
}

function minutes(ms) {
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** The generated section: each recorded run, then its files. */
function summary(results) {
  const out = [
    'Last results, generated from `docs/test-results.json` by `test/support/results-reporter.js` at the end of a full',
    'run (a run of only some files or tests records nothing):',
    '',
  ];
  for (const [key, suite] of Object.entries(SUITES)) {
    const r = results?.[key];
    if (!r) {
      out.push(`- \`${suite.command}\`: no recorded run.`);
      continue;
    }
    const t = r.tests;
    out.push(
      `- \`${suite.command}\` on ${r.date.slice(0, 16).replace('T', ' ')} UTC at commit \`${r.commit.slice(0, 10)}\`` +
        `${r.dirty ? ' (with uncommitted changes)' : ''}, ${r.host}: ${r.suites.total} files, ${t.total} tests: ` +
        `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped; ${minutes(r.durationMs)}.`,
    );
  }
  if (!Object.keys(SUITES).some((key) => results?.[key])) return out.join('\n');
  out.push('', '| file | passed | failed | skipped |', '| --- | --- | --- | --- |');
  for (const key of Object.keys(SUITES)) {
    for (const [file, f] of Object.entries(results?.[key]?.files ?? {})) {
      out.push(
        `| \`${file}\`${f.error ? ' (did not run: see the run)' : ''} | ${f.passed} | ${f.failed} | ${f.skipped} |`,
      );
    }
  }
  return out.join('\n');
}

/** The document with its "last result" cells and its generated section rebuilt from `results` (not yet prettier-formatted). */
function render(md, results) {
  const lines = md.split('\n');
  for (const row of claims(md)) {
    const c = [...row.cells];
    c[row.resultCol] = resultOf(results, row);
    lines[row.line] = `| ${c.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`;
  }
  let out = lines.join('\n');
  const a = out.indexOf(BEGIN);
  const b = out.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/RELIABILITY.md lacks the markers ${BEGIN} … ${END}`);
  out = `${out.slice(0, a + BEGIN.length)}\n\n${summary(results)}\n\n${out.slice(b)}`;
  return out;
}

/** `render`, formatted as `prettier --check` expects it. */
async function renderFormatted(md, results) {
  const prettier = require('prettier');
  const options = (await prettier.resolveConfig(DOC)) ?? {};
  return prettier.format(render(md, results), { ...options, filepath: DOC });
}

function readResults() {
  return fs.existsSync(RESULTS) ? JSON.parse(fs.readFileSync(RESULTS, 'utf8')) : {};
}

/** Re-renders docs/RELIABILITY.md from docs/test-results.json. */
async function writeDoc(results = readResults()) {
  const md = fs.readFileSync(DOC, 'utf8');
  const next = await renderFormatted(md, results);
  if (next !== md) fs.writeFileSync(DOC, next);
}

module.exports = {
  BEGIN,
  END,
  DOC,
  RESULTS,
  ROOT,
  SUITES,
  citationProblems,
  citationsIn,
  claims,
  readResults,
  render,
  renderFormatted,
  resultOf,
  suiteFiles,
  suiteOf,
  titleMatches,
  titlesIn,
  writeDoc,
};

/**
 * `node test/support/reliability.js`: re-renders docs/RELIABILITY.md from the recorded results.
 * `node test/support/reliability.js --check`: writes nothing; exits 1 when the page is not what the recorded results
 * give, or when a row cites a test that does not exist (test/unit/reliability-doc.test.ts runs it: Prettier cannot
 * be loaded inside Jest's module sandbox).
 */
async function main(argv) {
  const check = argv.includes('--check');
  const md = fs.readFileSync(DOC, 'utf8');
  const problems = citationProblems(md);
  const next = await renderFormatted(md, readResults());
  if (check && next !== md) {
    problems.push(
      'docs/RELIABILITY.md differs from what docs/test-results.json gives: run node test/support/reliability.js',
    );
  }
  if (!check && next !== md) fs.writeFileSync(DOC, next);
  for (const p of problems) console.error(p);
  return problems.length ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
