import { describe, expect, it } from 'vitest';
import { binanceDemoAccountJson } from '../../../tools/test-support/replay-documents.ts';
import { accountVenueEvents } from '../../../tools/test-support/account-venue-events.ts';
import { parseAccountInput } from '../../exchanges/parse-account-input.ts';
import { defaultTakerFeeRate, marginModels } from '../../exchanges/venues.ts';
import { isFieldError } from '../../units/field-error.ts';
import { epochMs, price, ratio, type EpochMs } from '../../units/units.ts';
import { applyVenueEvents, emptyAccountState, type AccountState } from '../positions/account-state.ts';
import type { FeedEvent } from '../positions/feed-notices.ts';
import type { VenueEvent } from '../positions/venue-events.ts';
import { liveMonitorBatch } from './live-batch.ts';
import { emptyLiveMonitor, type LiveMonitor } from './live-monitor.ts';

const parsed = parseAccountInput(binanceDemoAccountJson());
if (isFieldError(parsed)) throw new Error(parsed.message);
const { account } = parsed;
const config = { model: marginModels.binance, takerFeeRate: defaultTakerFeeRate.binance, options: { accountId: 'binance:funding' } };
const [A, B] = account.positions.map((p) => p.symbol);
const T0 = Date.UTC(2026, 10, 26, 12, 0);
const PAY = Date.UTC(2026, 10, 26, 16, 0);

const accountEvents = (t: EpochMs): VenueEvent[] => accountVenueEvents(account, t);

const markOf = (symbol: string, t: number, rate: number, timeMs: number): VenueEvent => ({
  kind: 'mark', symbol, price: price(account.positions.find((p) => p.symbol === symbol)!.markPrice), time: epochMs(t), source: 'mark', fundingRate: ratio(rate), nextFundingTime: epochMs(timeMs),
});

/** A monitor started on the account, then one batch of `marks` at T0 + 1 s. */
function afterBatch(marks: readonly VenueEvent[]): { before: LiveMonitor; after: LiveMonitor } {
  let feedState: AccountState = applyVenueEvents(emptyAccountState('binance'), accountEvents(epochMs(T0)));
  const first = [...accountEvents(epochMs(T0)), markOf(A!, T0, 0.0001, PAY), markOf(B!, T0, -0.0002, PAY)];
  feedState = applyVenueEvents(feedState, first.slice(3));
  const before = liveMonitorBatch(emptyLiveMonitor, first.map((event): FeedEvent => ({ kind: 'venue', event })), feedState, config).live;
  feedState = applyVenueEvents(feedState, marks);
  const after = liveMonitorBatch(before, marks.map((event): FeedEvent => ({ kind: 'venue', event })), feedState, config).live;
  return { before, after };
}

describe('funding notices in a batch of marks', () => {
  it('a batch repeating the notices the monitor holds leaves its record as it was (the same object)', () => {
    const { before, after } = afterBatch([markOf(A!, T0 + 1_000, 0.0001, PAY), markOf(B!, T0 + 1_000, -0.0002, PAY)]);
    expect(before.monitor?.state.funding).toEqual({ [A!]: { rate: 0.0001, timeMs: PAY }, [B!]: { rate: -0.0002, timeMs: PAY } });
    expect(after.monitor?.state.funding).toBe(before.monitor?.state.funding);
  });

  it('the last notice of a symbol in the batch wins, whichever of the two the monitor held', () => {
    const changedBack = afterBatch([markOf(A!, T0 + 500, 0.0003, PAY), markOf(A!, T0 + 1_000, 0.0001, PAY)]);
    expect(changedBack.after.monitor?.state.funding[A!]).toEqual({ rate: 0.0001, timeMs: PAY });
    const changed = afterBatch([markOf(A!, T0 + 500, 0.0001, PAY), markOf(A!, T0 + 1_000, 0.0003, PAY)]);
    expect(changed.after.monitor?.state.funding[A!]).toEqual({ rate: 0.0003, timeMs: PAY });
    expect(changed.before.monitor?.state.funding[A!]).toEqual({ rate: 0.0001, timeMs: PAY });
  });

  it('a notice with the same rate and the next payment time is heard', () => {
    const next = afterBatch([markOf(A!, T0 + 1_000, 0.0001, PAY + 8 * 3_600_000), markOf(B!, T0 + 1_000, -0.0002, PAY)]);
    expect(next.after.monitor?.state.funding).toEqual({ [A!]: { rate: 0.0001, timeMs: PAY + 8 * 3_600_000 }, [B!]: { rate: -0.0002, timeMs: PAY } });
  });

  it('a batch of funding events alone, repeating the notices held, is still stepped (its time and evaluation)', () => {
    const repeat: VenueEvent = { kind: 'funding', symbol: A!, fundingRate: ratio(0.0001), nextFundingTime: epochMs(PAY), time: epochMs(T0 + 5_000) };
    const { before, after } = afterBatch([repeat]);
    expect(before.monitor?.state.now).toBe(T0);
    expect(after.now).toBe(T0 + 5_000);
    expect(after.monitor?.state.now).toBe(T0 + 5_000);
    expect(after.monitor?.view?.t).toBe(T0 + 5_000);
    expect(after.monitor?.state.funding).toBe(before.monitor?.state.funding);
  });
});
