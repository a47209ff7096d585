import { describe, expect, it } from 'vitest';
import { binanceDemoAccountJson } from '../../../tools/test-support/replay-documents.ts';
import { accountVenueEvents } from '../../../tools/test-support/account-venue-events.ts';
import { parseAccountInput } from '../../exchanges/parse-account-input.ts';
import { defaultTakerFeeRate, marginModels } from '../../exchanges/venues.ts';
import { isFieldError } from '../../units/field-error.ts';
import { epochMs, price, type EpochMs } from '../../units/units.ts';
import { applyVenueEvents, emptyAccountState, type AccountState } from '../positions/account-state.ts';
import type { FeedEvent } from '../positions/feed-notices.ts';
import type { VenueEvent } from '../positions/venue-events.ts';
import { liveMonitorBatch } from './live-batch.ts';
import { emptyLiveMonitor } from './live-monitor.ts';

/**
 * A batch's `markedAt` is written from the list of the symbols it marked (live-batch.ts), not by a
 * for...in over its marks record: the record must be the one that for...in wrote, key for key and in
 * the same order (it is snapshotted and sent as JSON), whatever the order, repeats and names of the marks.
 */
const parsed = parseAccountInput(binanceDemoAccountJson());
if (isFieldError(parsed)) throw new Error(parsed.message);
const { account } = parsed;
const config = { model: marginModels.binance, takerFeeRate: defaultTakerFeeRate.binance, options: { accountId: 'binance:marked-at' } };
const [A, B] = account.positions.map((p) => p.symbol);
const T0 = Date.UTC(2026, 10, 26, 12, 0);
const markOf = (symbol: string, t: number): VenueEvent => ({ kind: 'mark', symbol, price: price(account.positions.find((p) => p.symbol === symbol)?.markPrice ?? 100), time: epochMs(t), source: 'mark' });
const venue = (events: readonly VenueEvent[]): FeedEvent[] => events.map((event): FeedEvent => ({ kind: 'venue', event }));

describe("a batch's markedAt", () => {
  it('is the previous record with every marked symbol set to the batch time, in for...in order', () => {
    let feedState: AccountState = applyVenueEvents(emptyAccountState('binance'), accountVenueEvents(account, epochMs(T0)));
    const first = [...accountVenueEvents(account, epochMs(T0)), markOf(A!, T0), markOf('ZZZUSDT', T0)];
    feedState = applyVenueEvents(feedState, first.slice(-2));
    const before = liveMonitorBatch(emptyLiveMonitor, venue(first), feedState, config).live;
    expect(Object.keys(before.markedAt)).toEqual([A, 'ZZZUSDT']);
    const t = T0 + 1_000;
    // New names between held ones, repeats, and index-like names (for...in puts them first, ascending).
    const order = [B!, 'NEWUSDT', A!, B!, '7', '12', 'XUSDT', '3', 'NEWUSDT'];
    const marks = order.map((s, i) => markOf(s, t - order.length + i + 1));
    feedState = applyVenueEvents(feedState, marks);
    const after = liveMonitorBatch(before, venue(marks), feedState, config).live;
    const record: Record<string, number> = {};
    for (const s of order) record[s] = 1;
    const expected: Record<string, number> = { ...before.markedAt };
    for (const s in record) expected[s] = t;
    expect(JSON.stringify(after.markedAt)).toBe(JSON.stringify(expected));
    expect(after.markedAt).toStrictEqual(expected);
    expect(before.markedAt).toEqual({ [A!]: T0, ZZZUSDT: T0 });
  });
});
