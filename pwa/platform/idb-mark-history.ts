import type { IDBPDatabase } from 'idb';
import type { MarkHistory, MarkPoint } from '../../shared/ports/mark-history.ts';
import type { SentryDb } from './db-schema.ts';
import { recordProblem } from './record-checks.ts';

/** 48 h of one mark per minute: enough for the charts and the volatility warm start. */
export const MAX_MARKS_PER_SYMBOL = 2880;

const rangeOf = (symbol: string): IDBKeyRange => IDBKeyRange.bound([symbol, -Infinity], [symbol, Infinity]);

/**
 * The mark history in IndexedDB, keyed [symbol, t] so one symbol's points are one key range, read
 * in time order without sorting. Past the bound the oldest points of that symbol are deleted in the
 * same transaction as the append.
 */
export function idbMarkHistory(db: IDBPDatabase<SentryDb>, maxPerSymbol = MAX_MARKS_PER_SYMBOL): MarkHistory {
  return {
    async append(symbol, point) {
      const record = { symbol, t: point.t, price: point.price };
      const problem = recordProblem('marks', record);
      if (problem !== null) throw new Error(`mark for ${symbol} not saved: ${problem}`);
      const tx = db.transaction('marks', 'readwrite');
      await tx.store.put(record);
      let excess = (await tx.store.count(rangeOf(symbol))) - maxPerSymbol;
      let cursor = excess > 0 ? await tx.store.openCursor(rangeOf(symbol)) : null;
      while (cursor && excess > 0) {
        await cursor.delete();
        excess--;
        cursor = await cursor.continue();
      }
      await tx.done;
    },
    async read(symbol): Promise<readonly MarkPoint[]> {
      return (await db.getAll('marks', rangeOf(symbol))).map((r) => ({ t: r.t, price: r.price }));
    },
  };
}
