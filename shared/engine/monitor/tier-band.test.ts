import { describe, expect, it } from 'vitest';
import { binanceDemoAccountJson } from '../../../tools/test-support/replay-documents.ts';
import { parseAccountInput } from '../../exchanges/parse-account-input.ts';
import { marginModels } from '../../exchanges/venues.ts';
import { isFieldError } from '../../units/field-error.ts';
import { DEFAULT_LADDER } from '../alerts/alert-ladder.ts';
import { rawTierIndex } from '../alerts/effective-tier.ts';
import type { FeedEvent } from '../positions/feed-notices.ts';
import { createMonitor, monitorStep, type Monitor } from './account-monitor.ts';
import { crossesTier, isMarkLeavingBand, ladderLevels, leavesTierBand, tierBand, type TierBand } from './tier-band.ts';
import { sensitivityShares } from './tier-band-shares.ts';

/**
 * The band against the engine itself: marks anywhere inside their bands, moving together, leave every
 * position's tier where it was; the pool's symbols all just past their edges (or an isolated position's
 * alone) move one. Binance's demo account (BTC and ETH
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
  const monitor = monitorAt(marks);
  const band = tierBand(monitor);
  const before = tiersAt(marks);
  const POOL = ['BTCUSDT', 'ETHUSDT'];

  it('gives each held symbol a price on both sides of the mark for the pool between Watch and Margin call', () => {
    expect(before).toEqual([0, 0, -1]); // the pool in Watch, SOL (isolated) below the ladder
    expect(Object.keys(band).sort()).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    for (const symbol of POOL) {
      const b = band[symbol]!;
      expect(b.below!).toBeLessThan(marks[symbol]!);
      expect(b.above!).toBeGreaterThan(marks[symbol]!);
    }
    // Plain data: what crosses a worker boundary comes back equal.
    expect(structuredClone(band)).toEqual(band);
    expect(JSON.parse(JSON.stringify(band))).toEqual(band);
  });

  it('no tier changes while every mark stays inside its band, the pool\'s symbols moving together', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const inside = (symbol: string, u: number): number => {
      const b = band[symbol]!;
      const lo = b.below ?? marks[symbol]! * 0.5;
      const hi = b.above ?? marks[symbol]! * 1.5;
      return lo + (hi - lo) * (0.001 + 0.998 * u);
    };
    const trials = [
      ...Array.from({ length: 150 }, () => Object.keys(band).map(() => random())),
      [0, 0, 0],
      [1, 1, 1],
      [0, 1, 0],
      [1, 0, 1],
    ];
    for (const us of trials) {
      const moved = { ...marks, ...Object.fromEntries(Object.keys(band).map((s, i) => [s, inside(s, us[i]!)])) };
      for (const [symbol, price] of Object.entries(moved)) expect(leavesTierBand(band, symbol, price)).toBe(false);
      expect(tiersAt(moved), JSON.stringify(moved)).toEqual(before);
    }
  });

  it('is no wider than it must be: every pool symbol just past its edge together, or one isolated one alone, moves a tier', () => {
    for (const side of ['below', 'above'] as const) {
      const past = Object.fromEntries(POOL.map((s) => [s, band[s]![side]! * (side === 'below' ? 1 - 1e-6 : 1 + 1e-6)]));
      expect(tiersAt({ ...marks, ...past }), side).not.toEqual(before);
    }
    const sol = band['SOLUSDT']!;
    expect(sol.below).not.toBeNull(); // SOL's own Watch price, below its mark
    expect(tiersAt({ ...marks, SOLUSDT: sol.below! * (1 - 1e-6) })).not.toEqual(before);
    expect(tiersAt({ ...marks, SOLUSDT: sol.below! * (1 + 1e-6) })).toEqual(before);
  });

  it('in Margin call (two levels below rho), its edges are the next level up and Margin call itself, not Watch', () => {
    const high = marksAtRho(0.85);
    const highBand = tierBand(monitorAt(high));
    const held = tiersAt(high);
    expect(held[0]).toBe(1); // the pool in Margin call
    // The pool's symbols together anywhere inside their bands: still Margin call; just past an edge, one level off.
    for (const u of [0.001, 0.25, 0.5, 0.75, 0.999]) {
      const moved = { ...high, ...Object.fromEntries(POOL.map((s) => [s, highBand[s]!.below! + (highBand[s]!.above! - highBand[s]!.below!) * u])) };
      expect(tiersAt(moved)).toEqual(held);
    }
    for (const side of ['below', 'above'] as const) {
      const past = Object.fromEntries(POOL.map((s) => [s, highBand[s]![side]! * (side === 'below' ? 1 - 1e-6 : 1 + 1e-6)]));
      expect(Math.abs(tiersAt({ ...high, ...past })[0]! - held[0]!), side).toBe(1);
    }
  });

  it('moving BTC and ETH 1.7 % together from rho 0.2 to 0.95 leaves the band though neither alone reaches Watch', () => {
    const low = marksAtRho(0.2);
    const high = marksAtRho(0.95);
    const from = tierBand(monitorAt(low));
    expect(POOL.some((s) => leavesTierBand(from, s, high[s]!))).toBe(true);
    // Each alone stays below Watch: a band of tier prices with the other symbol held would not have fired.
    for (const s of POOL) expect(tiersAt({ ...low, [s]: high[s]! })[0]).toBe(-1);
  });

  it('shared by sensitivity (the relay\'s): sound, and BTC and ETH falling together leave it near the crossing, not 18 % short', () => {
    const weighted = tierBand(monitor, sensitivityShares);
    const rhoAt = (m: Readonly<Record<string, number>>): number => monitorAt(m).view?.risk.riskRatio ?? NaN;
    const level = DEFAULT_LADDER.map((r) => r.level).find((l) => l > rhoAt(marks))!;
    const at = (f: number): Record<string, number> => ({ ...marks, BTCUSDT: marks['BTCUSDT']! * f, ETHUSDT: marks['ETHUSDT']! * f });
    const leftAtExit = (b: TierBand): number => {
      let f = 1;
      while (!POOL.some((s) => leavesTierBand(b, s, at(f)[s]!))) f -= 1e-5;
      return (level - rhoAt(at(f))) / (level - rhoAt(marks));
    };
    // Equal shares (1/2 each) let the pool leave with 18 % of its way in rho still to go.
    expect(leftAtExit(band)).toBeGreaterThan(0.15);
    expect(leftAtExit(weighted)).toBeGreaterThanOrEqual(0);
    expect(leftAtExit(weighted)).toBeLessThan(0.1);
    // Sound: marks anywhere inside it, moving together or apart, change no tier; all at an edge do.
    let seed = 11;
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 150; n += 1) {
      const moved = { ...marks };
      for (const s of Object.keys(weighted)) {
        const b = weighted[s]!;
        const lo = b.below ?? marks[s]! * 0.5;
        const hi = b.above ?? marks[s]! * 1.5;
        moved[s] = lo + (hi - lo) * (0.001 + 0.998 * (n < 2 ? n : random()));
      }
      expect(tiersAt(moved), JSON.stringify(moved)).toEqual(before);
    }
    for (const side of ['below', 'above'] as const) {
      const past = Object.fromEntries(POOL.map((s) => [s, weighted[s]![side]! * (side === 'below' ? 1 - 1e-6 : 1 + 1e-6)]));
      expect(tiersAt({ ...marks, ...past }), side).not.toEqual(before);
    }
  });

  it('reads only marks of held symbols; no monitor, no band', () => {
    const mark = (symbol: string, price: number): FeedEvent => ({ kind: 'venue', event: { kind: 'mark', source: 'mark', symbol, price, time: T0 } }) as unknown as FeedEvent;
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

  it('takes the ladder\'s levels ascending, once each, with liquidation (1); one answer per ladder, a new ladder asked anew', () => {
    const ladder = [{ level: 0.9 }, { level: 0.5 }, { level: 0.9 }, { level: 1 }];
    expect(ladderLevels(ladder)).toStrictEqual([0.5, 0.9, 1]);
    expect(ladderLevels(ladder)).toBe(ladderLevels(ladder));
    expect(ladderLevels([{ level: 0.7 }])).toStrictEqual([0.7, 1]);
    expect(ladderLevels([])).toStrictEqual([1]);
  });
});

describe('crossesTier: the band question asked exactly of one set of marks', () => {
  const levels = [...new Set([...DEFAULT_LADDER.map((r) => r.level), 1])].sort((a, b) => a - b);
  const reachedOf = (rho: number): number => levels.filter((l) => l <= rho).length;
  /** The engine's own rho per position (the pool's for cross positions), at the monitor's marks. */
  const rhosAt = (marks: Readonly<Record<string, number>>): number[] => (monitorAt(marks).view?.risk.positions ?? []).map((p) => p.riskRatio);

  it('says a level was crossed exactly when the engine finds a position whose rho reached another level (pool near Watch and near Margin call, marks moved at random)', () => {
    let seed = 11;
    const random = (): number => ((seed = (seed * 16_807) % 2_147_483_647) - 1) / 2_147_483_646;
    let crossed = 0;
    let outOfBandUncrossed = 0;
    for (const rho of [0.65, 0.85]) {
      const from = marksAtRho(rho);
      const monitor = monitorAt(from);
      const band = tierBand(monitor, sensitivityShares);
      const before = rhosAt(from);
      for (let i = 0; i < 250; i += 1) {
        // The isolated SOL position far enough to reach the ladder now and then, the pool's symbols a few per cent.
        const to = Object.fromEntries(Object.entries(from).map(([s, p]) => [s, p * (s === 'SOLUSDT' ? 0.5 + random() : 0.97 + 0.06 * random())]));
        const after = rhosAt(to);
        const expected = before.some((r, k) => r > 0 && Number.isFinite(r) && reachedOf(r) !== reachedOf(after[k]!));
        expect(crossesTier(monitor, (s) => to[s]), JSON.stringify(to)).toBe(expected);
        if (expected) crossed += 1;
        else if (Object.entries(to).some(([s, p]) => leavesTierBand(band, s, p))) outOfBandUncrossed += 1;
      }
    }
    // Both answers, and marks out of the band that cross nothing: what the exact question saves a step for.
    expect(crossed).toBeGreaterThan(20);
    expect(outOfBandUncrossed).toBeGreaterThan(8);
    // Marks unmoved cross nothing; a mark that is not a price is left to the step (at once).
    expect(crossesTier(monitorAt(marksAtRho(0.85)), () => undefined)).toBe(false);
    for (const garbage of [Number.NaN, 0, -1, Number.POSITIVE_INFINITY]) expect(crossesTier(monitorAt(marksAtRho(0.65)), (s) => (s === 'SOLUSDT' ? garbage : undefined)), String(garbage)).toBe(true);
  });
});
