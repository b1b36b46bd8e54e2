// The household facts of an import batch (income and indicator columns, the members file): written with the
// COPY protocol in the batch's transaction, with an IMPORT entry in each household's facts' history (ID numbers
// masked), so a batch's households and their facts come in together or not at all.
import type { ClientBase } from 'pg';
import type { HouseholdInput } from '../domain/csv';
import { factsDiff, type Member } from '../domain/facts';
import { maskIdNumber } from '../domain/idNumber';
import {
  copyRows,
  copyValue,
  COPY_FACTS_CHANGES_SQL,
  COPY_INCOMES_SQL,
  COPY_INDICATORS_SQL,
  COPY_MEMBERS_SQL,
} from './import-copy';

/**
 * The facts of the households just copied (id: the new household's): members, incomes, indicators and their history.
 * Returns the registry numbers of the households written with members.
 */
export async function insertFacts(
  client: ClientBase,
  rows: readonly { id: string; h: HouseholdInput }[],
  membersOf: ReadonlyMap<string, Member[]> | undefined,
  nextId: () => string,
  at: string,
): Promise<string[]> {
  const incomes: string[] = [];
  const indicators: string[] = [];
  const members: string[] = [];
  const history: string[] = [];
  const withMembers: string[] = [];
  const bool = (b: boolean) => (b ? 't' : 'f');
  for (const { id, h } of rows) {
    const own = membersOf?.get(h.registryNo);
    if (own) withMembers.push(h.registryNo);
    if (!own && h.incomes.length === 0 && !h.indicators) continue;
    for (const i of h.incomes) incomes.push(`${id}\t${i.year}\t${i.perCapita}\n`);
    const k = h.indicators;
    if (k)
      indicators.push(
        `${id}\t${bool(k.foodClothing)}\t${bool(k.education)}\t${bool(k.medical)}\t${bool(k.housing)}\t` +
          `${bool(k.drinkingWater)}\t${k.assessedOn}\n`,
      );
    own?.forEach((m, i) =>
      members.push(
        `${nextId()}\t${id}\t${i + 1}\t${copyValue(m.name)}\t${m.relation}\t${copyValue(m.idNumber ?? null)}\t` +
          `${m.birthYear}\t${m.sex}\t${m.health}\t${m.schooling}\t${m.labour}\n`,
      ),
    );
    const facts = { ...(own ? { members: own } : {}), incomes: h.incomes, ...(k ? { indicators: k } : {}) };
    const changes = JSON.stringify(factsDiff({}, facts, maskIdNumber));
    history.push(`${nextId()}\t${id}\t${at}\tIMPORT\t${copyValue(changes)}\n`);
  }
  if (incomes.length) await copyRows(client, COPY_INCOMES_SQL, incomes);
  if (indicators.length) await copyRows(client, COPY_INDICATORS_SQL, indicators);
  if (members.length) await copyRows(client, COPY_MEMBERS_SQL, members);
  if (history.length) await copyRows(client, COPY_FACTS_CHANGES_SQL, history);
  return withMembers;
}
