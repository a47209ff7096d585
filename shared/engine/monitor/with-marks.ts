import { price } from '../../units/units.ts';
import type { Account } from '../positions/account.ts';

/**
 * The account valued at the latest marks: each position takes its symbol's newest mark (already
 * checked finite and > 0 by the monitor); a symbol without one keeps the mark the account came with.
 * Returns the same object when nothing changes, so an unchanged tick costs no copy.
 */
export function withMarks(account: Account, marks: Readonly<Record<string, number>>): Account {
  let changed = false;
  const positions = account.positions.map((p) => {
    const mark = marks[p.symbol];
    if (mark === undefined || mark === p.markPrice) return p;
    changed = true;
    return { ...p, markPrice: price(mark) };
  });
  return changed ? { ...account, positions } : account;
}
