// Jest reporter: at the end of a full run, records what ran and how it went in docs/test-results.json (under the
// suite's key: `test` for `npm test`, `faults` for `npm run test:faults`) and re-renders the generated parts of
// docs/RELIABILITY.md from it (test/support/reliability.js). Registered in jest.config.js and jest.faults.config.js.
//
// Only a full run is recorded: when some test files of the suite did not run (a path or pattern on the command
// line, --onlyChanged, a shard) or tests were filtered by name, the committed summary is left as it is, so a
// partial local run never looks like the whole suite's result.
// CommonJS on purpose: Jest loads reporters untranspiled.
/* eslint-disable @typescript-eslint/no-require-imports */
/* global process, console */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { RESULTS, ROOT, SUITES, suiteFiles, writeDoc, readResults } = require('./reliability');

class ResultsReporter {
  constructor(globalConfig, options = {}) {
    this.globalConfig = globalConfig;
    this.key = options.suite;
    if (!SUITES[this.key]) throw new Error(`results-reporter: unknown suite "${this.key}"`);
    this.startedAt = Date.now();
  }

  onRunStart() {
    this.startedAt = Date.now();
  }

  /** Why this run is not a full run of the suite, or undefined when it is. */
  partial(results) {
    const g = this.globalConfig;
    if (g.testNamePattern) return `tests filtered by name (${g.testNamePattern})`;
    if (g.onlyChanged || g.onlyFailures || g.lastCommit || g.changedSince) return 'only changed or failed tests ran';
    if (g.shard) return 'a shard of the suite ran';
    if (results.wasInterrupted) return 'the run was interrupted';
    const ran = new Set(results.testResults.map((r) => path.relative(ROOT, r.testFilePath).split(path.sep).join('/')));
    const missing = suiteFiles(this.key).filter((f) => !ran.has(f));
    if (missing.length) return `${missing.length} test files did not run (${missing.slice(0, 3).join(', ')}…)`;
    return undefined;
  }

  async onRunComplete(_contexts, results) {
    const why = this.partial(results);
    if (why) {
      console.log(`\nresults-reporter: not recording ${SUITES[this.key].command} in docs/test-results.json: ${why}.`);
      return;
    }
    const git = (...args) => {
      try {
        return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      } catch {
        return '';
      }
    };
    // The summary files themselves change with every run: they do not make the tested code dirty.
    const dirty = git(
      'status',
      '--porcelain',
      '--',
      '.',
      ':(exclude)docs/test-results.json',
      ':(exclude)docs/RELIABILITY.md',
    );
    const files = {};
    const tally = { total: 0, passed: 0, failed: 0, skipped: 0 };
    for (const r of [...results.testResults].sort((a, b) => a.testFilePath.localeCompare(b.testFilePath))) {
      const file = path.relative(ROOT, r.testFilePath).split(path.sep).join('/');
      const tests = r.testResults.map((t) => ({
        titles: [...t.ancestorTitles, t.title],
        status: t.status === 'passed' || t.status === 'failed' ? t.status : 'skipped',
        ms: t.duration ?? null,
      }));
      const count = (s) => tests.filter((t) => t.status === s).length;
      files[file] = {
        passed: count('passed'),
        failed: count('failed'),
        skipped: count('skipped'),
        // A file that failed to run at all (a crash in beforeAll's module, a syntax error) has no tests to show.
        ...(r.testExecError ? { error: true } : {}),
        tests,
      };
      tally.total += tests.length;
      tally.passed += files[file].passed;
      tally.failed += files[file].failed;
      tally.skipped += files[file].skipped;
    }
    const record = {
      date: new Date(this.startedAt).toISOString(),
      commit: git('rev-parse', 'HEAD') || 'unknown',
      dirty: dirty !== '',
      host: `${os.cpus().length} × ${os.cpus()[0]?.model?.trim() ?? 'cpu'}, load ${os.loadavg()[0].toFixed(1)} at the end`,
      durationMs: Date.now() - this.startedAt,
      suites: {
        total: results.numTotalTestSuites,
        passed: results.numPassedTestSuites,
        failed: results.numFailedTestSuites,
      },
      tests: tally,
      files,
    };
    const all = readResults();
    all[this.key] = record;
    fs.writeFileSync(RESULTS, `${JSON.stringify(all, null, 2)}\n`);
    await writeDoc(all);
    console.log(
      `\nresults-reporter: recorded ${SUITES[this.key].command} in docs/test-results.json and docs/RELIABILITY.md.`,
    );
    if (process.env.CI && record.dirty) console.log('results-reporter: note: the worktree had uncommitted changes.');
  }
}

module.exports = ResultsReporter;
