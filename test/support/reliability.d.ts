// Types of test/support/reliability.js (plain JavaScript, so that the Jest reporter can load it untranspiled).
export interface RecordedTest {
  titles: string[];
  status: 'passed' | 'failed' | 'skipped';
  ms: number | null;
}
export interface RecordedRun {
  date: string;
  commit: string;
  dirty: boolean;
  host: string;
  durationMs: number;
  suites: { total: number; passed: number; failed: number };
  tests: { total: number; passed: number; failed: number; skipped: number };
  files: Record<string, { passed: number; failed: number; skipped: number; error?: boolean; tests: RecordedTest[] }>;
}
export type Results = Partial<Record<'test' | 'faults', RecordedRun>>;
export interface Citation {
  file: string;
  name: string;
}
export interface Claim {
  line: number;
  cells: string[];
  testCol: number;
  resultCol: number;
  property: string;
  citations: Citation[];
}
export const BEGIN: string;
export const END: string;
export const DOC: string;
export const RESULTS: string;
export const ROOT: string;
export const SUITES: Record<'test' | 'faults', { command: string; dir: string; pattern: RegExp }>;
export function citationProblems(md: string, root?: string): string[];
export function citationsIn(cell: string): Citation[];
export function claims(md: string): Claim[];
export function readResults(): Results;
export function render(md: string, results: Results): string;
export function renderFormatted(md: string, results: Results): Promise<string>;
export function resultOf(results: Results, row: Claim): string;
export function suiteFiles(key: 'test' | 'faults', root?: string): string[];
export function suiteOf(file: string): 'test' | 'faults' | undefined;
export function titleMatches(written: string, run: string): boolean;
export function titlesIn(source: string): Set<string>;
export function writeDoc(results?: Results): Promise<void>;
