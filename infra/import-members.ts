// The members file of an import (`--members members.csv`, docs/IMPORT.md): one row per member, keyed by the registry
// number of the household in the household file. Read and checked whole before the households are imported: a
// problem in it stops the import before anything is written, reported by row and column (never a value).
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { CsvParser, isBlankRecord } from '../domain/csv';
import { checkMemberRow, mapMemberHeader, membersProblem } from '../domain/csv-facts';
import type { Member } from '../domain/facts';
import { ImportError } from './import';

/** Problems listed before the rest are counted only. */
const MAX_SHOWN = 50;

/** Members by household registry number, in file order (the head first), or an ImportError naming what is wrong. */
export async function readMembersFile(
  file: string,
  thisYear = new Date().getFullYear(),
): Promise<Map<string, Member[]>> {
  let text: string;
  try {
    const decoder = new StringDecoder('utf8');
    text = decoder.write(await fs.promises.readFile(file)) + decoder.end();
  } catch (err) {
    throw new ImportError(`Cannot read the members file ${file}: ${(err as Error).message}`, { cause: err });
  }
  const parser = new CsvParser();
  const records = [...parser.push(text), ...parser.end()];
  const [head, ...rows] = records;
  if (!head) throw new ImportError(`The members file ${file} is empty.`);
  const header = mapMemberHeader(head.fields);
  if (!header.ok)
    throw new ImportError(
      `The members file's header is not usable; nothing was imported:\n  - ${header.problems.join('\n  - ')}`,
    );
  const problems: string[] = [];
  const byHousehold = new Map<string, Member[]>();
  const firstRow = new Map<string, number>();
  rows.forEach((record, i) => {
    if (record.problem === null && isBlankRecord(record.fields)) return;
    const row = i + 2;
    if (record.problem) problems.push(`members row ${row}: malformed CSV`);
    const check = checkMemberRow(record.fields, header.index, thisYear);
    for (const p of check.problems) problems.push(`members row ${row}, ${p.column}: ${p.message}`);
    if (!check.member) return;
    const list = byHousehold.get(check.registryNo) ?? [];
    list.push(check.member);
    byHousehold.set(check.registryNo, list);
    if (!firstRow.has(check.registryNo)) firstRow.set(check.registryNo, row);
  });
  for (const [registryNo, members] of byHousehold) {
    const problem = membersProblem(members);
    if (problem) problems.push(`members row ${firstRow.get(registryNo)} (its household's members): ${problem}`);
  }
  if (problems.length > 0) {
    const more = problems.length > MAX_SHOWN ? `\n  … and ${problems.length - MAX_SHOWN} more` : '';
    throw new ImportError(
      `The members file has ${problems.length} problem${problems.length > 1 ? 's' : ''}; nothing was imported:\n  - ` +
        problems.slice(0, MAX_SHOWN).join('\n  - ') +
        more,
    );
  }
  return byHousehold;
}
