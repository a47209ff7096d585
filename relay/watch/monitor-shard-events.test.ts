import { describe, expect, it } from 'vitest';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { epochMs, price } from '../../shared/units/units.ts';
import { batchIndex, eventsFor } from './monitor-shard.ts';

/** What a monitor of a share is handed of a batch: its symbols' marks and the notices about them, in the batch's order. */
const mark = (symbol: string, p: number, t: number): FeedEvent => ({ kind: 'venue', event: { kind: 'mark', symbol, price: price(p), time: epochMs(t), source: 'mark' } });

describe('eventsFor: a batch read by an account', () => {
  const events: FeedEvent[] = [
    { kind: 'stale', symbols: ['ETHUSDT', 'XRPUSDT'], time: epochMs(1) },
    mark('XRPUSDT', 0.5, 2),
    mark('ETHUSDT', 3_000, 3),
    mark('BTCUSDT', 90_000, 4),
    { kind: 'connection', socket: 'public', state: 'ready', reason: '', time: epochMs(5) },
    mark('ETHUSDT', 3_010, 6),
  ];
  const index = batchIndex(events);

  it('keeps the batch order (a notice first, a later mark of a symbol after its earlier one), its symbols only, notices narrowed to them', () => {
    expect(eventsFor(events, index, ['BTCUSDT', 'ETHUSDT'])).toEqual([{ kind: 'stale', symbols: ['ETHUSDT'], time: 1 }, events[2], events[3], events[5]]);
    expect(eventsFor(events, index, ['SOLUSDT'])).toEqual([]);
    expect(eventsFor(events, index, ['XRPUSDT'])).toEqual([{ kind: 'stale', symbols: ['XRPUSDT'], time: 1 }, events[1]]);
  });

  it('finds what reading the whole batch finds, for every set of symbols', () => {
    const all = ['BTCUSDT', 'ETHUSDT', 'XRPUSDT', 'SOLUSDT'];
    const scan = (symbols: readonly string[]): FeedEvent[] =>
      events.flatMap((e): FeedEvent[] => {
        if (e.kind === 'venue') return e.event.kind === 'mark' && symbols.includes(e.event.symbol) ? [e] : [];
        if (e.kind !== 'stale' && e.kind !== 'fresh') return [];
        const concern = e.symbols.filter((s) => symbols.includes(s));
        return concern.length > 0 ? [{ ...e, symbols: concern }] : [];
      });
    for (let mask = 0; mask < 1 << all.length; mask += 1) {
      const symbols = all.filter((_, i) => mask & (1 << i));
      expect(eventsFor(events, index, symbols), symbols.join(',')).toEqual(scan(symbols));
    }
    expect([...index.symbols].sort()).toEqual(['BTCUSDT', 'ETHUSDT', 'XRPUSDT']);
  });
});
