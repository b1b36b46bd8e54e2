// Duplicate detection within an import file (docs/IMPORT.md): a million keys held without burdening the GC.
import { detachString } from './csv-parser';

/** A clash with an earlier row (a RowProblem of domain/csv.ts). */
export interface DuplicateProblem {
  column: 'idNumber' | 'registryNo';
  message: string;
}
const NO_PROBLEMS: DuplicateProblem[] = [];

/**
 * An exact map from keys to the row that first had them, in typed arrays: a key costs its length plus about 16
 * bytes, and nothing in it is traced by the garbage collector (a Map of a million strings is, at every major GC).
 * Keys of Latin-1 characters (ID numbers, registry codes) live in a byte arena; any other key falls back to a Map.
 */
export class KeyIndex {
  private arena = new Uint8Array(1 << 16);
  private used = 0;
  /** Entry i is arena[starts[i], starts[i + 1]). */
  private starts = new Uint32Array(1 << 12);
  private rows = new Int32Array(1 << 12);
  private hashes = new Uint32Array(1 << 12);
  private count = 0;
  /** Open addressing, linear probing: entry index + 1, 0 when empty. Kept at most half full. */
  private slots = new Int32Array(1 << 13);
  private readonly wide = new Map<string, number>();

  get size(): number {
    return this.count + this.wide.size;
  }

  /** The row that already holds key, else records row as its holder and returns undefined. */
  claim(key: string, row: number): number | undefined {
    let hash = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c > 0xff) return this.claimWide(key, row);
      hash = Math.imul(hash ^ c, 0x01000193);
    }
    hash >>>= 0;
    const mask = this.slots.length - 1;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const slot = this.slots[s] as number;
      if (slot === 0) break;
      const e = slot - 1;
      if (this.hashes[e] === hash && this.equals(e, key)) return this.rows[e];
    }
    this.add(key, hash, row);
    return undefined;
  }

  private claimWide(key: string, row: number): number | undefined {
    const first = this.wide.get(key);
    if (first === undefined) this.wide.set(detachString(key), row);
    return first;
  }

  private equals(e: number, key: string): boolean {
    const start = this.starts[e] as number;
    if ((this.starts[e + 1] as number) - start !== key.length) return false;
    for (let i = 0; i < key.length; i++) if (this.arena[start + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  private add(key: string, hash: number, row: number): void {
    if (this.count + 2 > this.starts.length) {
      this.starts = grow(this.starts, this.starts.length * 2);
      this.rows = grow(this.rows, this.rows.length * 2);
      this.hashes = grow(this.hashes, this.hashes.length * 2);
    }
    if (this.used + key.length > this.arena.length) {
      this.arena = grow(this.arena, Math.max(this.arena.length * 2, this.used + key.length));
    }
    for (let i = 0; i < key.length; i++) this.arena[this.used + i] = key.charCodeAt(i);
    const e = this.count++;
    this.starts[e] = this.used;
    this.used += key.length;
    this.starts[e + 1] = this.used;
    this.rows[e] = row;
    this.hashes[e] = hash;
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(e);
  }

  private place(e: number): void {
    const mask = this.slots.length - 1;
    let s = (this.hashes[e] as number) & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = e + 1;
  }

  private rehash(capacity: number): void {
    this.slots = new Int32Array(capacity);
    for (let e = 0; e < this.count; e++) this.place(e);
  }
}

function grow<T extends Uint8Array | Uint32Array | Int32Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(length);
  bigger.set(array);
  return bigger;
}

/**
 * Duplicates within one file. The first row that carries an ID number or registry number claims it, even if that
 * row is rejected for another reason: of two rows that clash, neither is imported silently in the other's place.
 */
export class DuplicateTracker {
  private readonly idNumbers = new KeyIndex();
  private readonly registryNos = new KeyIndex();

  /** Claims the row's keys; returns a problem for each key an earlier row holds. Pass null for a malformed key. */
  claim(row: number, registryNo: string | null, idNumber: string | null): DuplicateProblem[] {
    let problems: DuplicateProblem[] = NO_PROBLEMS;
    const firstId = idNumber === null ? undefined : this.idNumbers.claim(idNumber, row);
    if (firstId !== undefined) problems = [{ column: 'idNumber', message: `same ID number as row ${firstId}` }];
    const firstNo = registryNo === null ? undefined : this.registryNos.claim(registryNo, row);
    if (firstNo !== undefined) {
      problems = [...problems, { column: 'registryNo', message: `same registry number as row ${firstNo}` }];
    }
    return problems;
  }
}
