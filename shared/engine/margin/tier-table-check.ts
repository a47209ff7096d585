import type { TierTable } from '../positions/account.ts';
import { buildTierTable, type TierInput } from './maintenance-tiers.ts';

/**
 * A tier table fetched from a venue, checked before the engine may use it. A wrong table is worse
 * than none: maintenance margin feeds every figure we show. Refused: no rows, a first tier not at 0,
 * floors not strictly rising, a cap not above its floor, a tier starting below the previous tier's cap
 * (overlapping bounds: which rate applies would depend on the order of the rows), a rate outside
 * (0, 1), a falling rate (every venue charges a larger position at least the same rate), a negative
 * deduction. The rows may come in any order: they are sorted by floor first.
 * Returns the table, or a message saying what was wrong.
 */
export function checkedTierTable(rows: readonly TierInput[], basis: TierTable['basis']): TierTable | string {
  if (rows.length === 0) return 'no tiers';
  const sorted = [...rows].sort((a, b) => a.floor - b.floor);
  let previous: TierInput | undefined;
  for (const [i, row] of sorted.entries()) {
    if (i === 0 && row.floor !== 0) return `the first tier starts at ${row.floor}, not 0`;
    if (!(row.mmr > 0 && row.mmr < 1)) return `tier ${i + 1}: maintenance rate ${row.mmr} is not a fraction in (0, 1)`;
    if (row.cap !== undefined && !(row.cap > row.floor)) return `tier ${i + 1}: cap ${row.cap} is not above floor ${row.floor}`;
    if (row.deduction !== undefined && !(row.deduction >= 0)) return `tier ${i + 1}: negative deduction ${row.deduction}`;
    if (previous !== undefined) {
      if (!(row.floor > previous.floor)) return `tier ${i + 1}: floor ${row.floor} repeats or falls`;
      if (previous.cap !== undefined && previous.cap > row.floor) {
        return `tier ${i + 1}: floor ${row.floor} is inside tier ${i}, which runs to ${previous.cap}`;
      }
      if (row.mmr < previous.mmr) return `tier ${i + 1}: maintenance rate falls from ${previous.mmr} to ${row.mmr}`;
    }
    previous = row;
  }
  return buildTierTable(sorted, basis);
}
