import { describe, expect, it } from 'vitest';
import { binanceDemoAccountJson } from '../../../tools/test-support/replay-documents.ts';
import { parseAccountInput } from '../../exchanges/parse-account-input.ts';
import { marginModels } from '../../exchanges/venues.ts';
import { isFieldError } from '../../units/field-error.ts';
import { DEFAULT_LADDER } from '../alerts/alert-ladder.ts';
import { rawTierIndex } from '../alerts/effective-tier.ts';
import type { FeedEvent } from '../positions/feed-notices.ts';
import { createMonitor, monitorStep, type Monitor } from './account-monitor.ts';
import { isMarkLeavingBand, leavesTierBand, tierBand, type TierBand } from './tier-band.ts';

/**
 * The band against the engine itself: every mark strictly inside a symbol's band leaves every
 * position's tier where it was; a mark just past an edge moves one. Binance's demo account (BTC and ETH
 * in one cross pool, SOL isolated) taken down to where the cross pool sits between Watch and Margin call.
 */
const parsed = parseAccountInput(binanceDemoAccountJson());
if (isFieldError(parsed)) throw new Error(parsed.message);
const { account } = parsed;
const T0 = 1_760_000_000_000;
const startMarks = Object.fromEntries(account.positions.map((p) => [p.symbol, p.markPrice as number]));

const monitorAt = (marks: Readonly<Record<string, number>>): Monitor =>
  monitorStep(createMonitor({ account, model: marginModels.binance, options: { accountId: 'binance:band' } }), { kind: 'marks', marks }, T0).monitor;

/** Each position's raw tier (the ladder level its rho has reached) at these marks. */
const tiersAt = (marks: Readonly<Record<string, number>>): number[] =>
  (monitorAt(marks).view?.risk.positions ?? []).map((p) => rawTierIndex(DEFAULT_LADDER, p.riskRatio));

/** BTC and ETH scaled together until the cross pool's rho is about `rho` (SOL held). */
function marksAtRho(rho: number): Record<string, number> {
  let lo = 0.5;
  let hi = 1.5;
  const at = (f: number) => ({ ...startMarks, BTCUSDT: startMarks['BTCUSDT']! * f, ETHUSDT: startMarks['ETHUSDT']! * f });
  for (let i = 0; i < 50; i += 1) {
    const mid = (lo + hi) / 2;
    if ((monitorAt(at(mid)).view?.risk.riskRatio ?? 0) > rho) lo = mid;
    else hi = mid;
  }
  return at((lo + hi) / 2);
}

describe('tier band', () => {
  const marks = marksAtRho(0.65);
  const band = tierBand(monitorAt(marks).view);
  const before = tiersAt(marks);

  it('gives each held symbol its nearest tier prices on both sides of the mark', () => {
    expect(Object.keys(band).sort()).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
      const b = band[symbol]!;
      // Between Watch (above the mark, for these longs) and Margin call (below).
      expect(b.below).not.toBeNull();
      expect(b.above).not.toBeNull();
      expect(b.below!).toBeLessThan(marks[symbol]!);
      expect(b.above!).toBeGreaterThan(marks[symbol]!);
    }
    // Plain data: what crosses a worker boundary comes back equal.
    expect(structuredClone(band)).toEqual(band);
    expect(JSON.parse(JSON.stringify(band))).toEqual(band);
  });

  it('no tier changes for any mark strictly inside a band, and one does just past each edge', () => {
    for (const [symbol, b] of Object.entries(band)) {
      const lo = b.below ?? marks[symbol]! * 0.5;
      const hi = b.above ?? marks[symbol]! * 1.5;
      for (let i = 1; i < 40; i += 1) {
        const price = lo + ((hi - lo) * i) / 40;
        expect(leavesTierBand(band, symbol, price)).toBe(false);
        expect(tiersAt({ ...marks, [symbol]: price }), `${symbol} at ${price}`).toEqual(before);
      }
      for (const edge of [b.below, b.above]) {
        if (edge === null) continue;
        const past = edge === b.below ? edge * (1 - 1e-6) : edge * (1 + 1e-6);
        expect(leavesTierBand(band, symbol, past)).toBe(true);
        expect(tiersAt({ ...marks, [symbol]: past }), `${symbol} past ${edge}`).not.toEqual(before);
      }
    }
  });

  it('reads only marks of held symbols; no evaluation, no band', () => {
    const mark = (symbol: string, price: number): FeedEvent => ({ kind: 'venue', event: { kind: 'mark', source: 'mark', symbol, price, time: T0 } } as unknown as FeedEvent);
    const btc = band['BTCUSDT']!;
    expect(isMarkLeavingBand(band, mark('BTCUSDT', btc.below! * 0.99))).toBe(true);
    expect(isMarkLeavingBand(band, mark('BTCUSDT', marks['BTCUSDT']!))).toBe(false);
    expect(isMarkLeavingBand(band, mark('DOGEUSDT', 0.0001))).toBe(false);
    expect(isMarkLeavingBand(band, { kind: 'stale', symbols: ['BTCUSDT'], time: T0 } as unknown as FeedEvent)).toBe(false);
    expect(tierBand(null)).toEqual({});
    const onEdge: TierBand = { X: { below: 10, above: 10 } };
    expect(leavesTierBand(onEdge, 'X', 10)).toBe(true);
    expect(leavesTierBand({ X: { below: null, above: null } }, 'X', 1e9)).toBe(false);
  });
});
