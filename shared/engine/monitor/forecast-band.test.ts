import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { marginModels } from '../../exchanges/venues.ts';
import { price, qty, ratio, usdt } from '../../units/units.ts';
import { buildTierTable } from '../margin/maintenance-tiers.ts';
import { unrealisedPnl, VENUE_IDS, type Account, type Position, type VenueId } from '../positions/account.ts';
import type { FundingNotice } from '../projection/funding-step.ts';
import { createMonitor, monitorStep, type MarkHistory, type Monitor } from './account-monitor.ts';
import { forecastBand, forecastBandHolds, type ForecastBand } from './forecast-band.ts';
import { leavesTierBand, tierBand, type TierBand } from './tier-band.ts';
import { withMarks } from './with-marks.ts';

/**
 * The forecast band against the engine's own policy, over random accounts on all four venues (cross
 * pools of one to three symbols, isolated positions, tiered requirements, a warmed volatility with
 * its jump tail and trend, a funding notice now and then): marks anywhere inside both bands (the
 * forecast's and the tier's), moving together, with the monitor's other inputs held, change no
 * subject's prediction (none fires, none is withdrawn); one symbol just past its forecast edge does.
 * And those inputs are held, by the monitor's own steps, until the band's time (`untilMs`).
 */
const SEED = 20261127;
const T0 = 1_760_000_000_000;
const MINUTE = 60_000;

const positionArb = (venue: VenueId, isolatedArb: fc.Arbitrary<boolean> = fc.boolean()) =>
  fc
    .record({
      symbol: fc.constantFrom('AAA', 'BBB', 'CCC'),
      side: fc.constantFrom('long' as const, 'short' as const),
      qty: fc.double({ min: 0.01, max: 50, noNaN: true }),
      entry: fc.double({ min: 1, max: 60_000, noNaN: true }),
      markMove: fc.double({ min: 0.9, max: 1.1, noNaN: true }),
      isolated: isolatedArb,
      leverage: fc.integer({ min: 2, max: 50 }),
      step: fc.double({ min: 0.001, max: 0.01, noNaN: true }),
      width: fc.double({ min: 10_000, max: 2_000_000, noNaN: true }),
      classic: fc.boolean(),
    })
    .map(
      (r): Position => ({
        symbol: r.symbol,
        side: r.side,
        qty: qty(r.qty),
        entryPrice: price(r.entry),
        markPrice: price(r.entry * r.markMove),
        marginMode: r.isolated ? 'isolated' : 'cross',
        ...(r.isolated ? { isolatedMargin: usdt((r.qty * r.entry) / r.leverage) } : {}),
        leverage: r.leverage,
        ...(venue === 'bybit' && r.classic ? { accountType: 'classic' as const } : {}),
        tiers: buildTierTable(
          [
            { floor: 0, mmr: 0.004 },
            { floor: r.width, mmr: 0.004 + r.step },
            { floor: 3 * r.width, mmr: 0.004 + 3 * r.step },
          ],
          'notional',
        ),
        takerFeeRate: ratio(0.0005),
      }),
    );

/**
 * A monitor at a pool rho and isolated rhos between Watch and liquidation, volatility warmed by a random
 * walk; `pool`: cross positions only, on two or three symbols (the shared-out band).
 */
const caseArbOf = (pool: boolean) => fc.constantFrom(...VENUE_IDS).chain((venue) =>
  fc.record({
    venue: fc.constant(venue),
    positions: pool
      ? fc
          .array(fc.tuple(positionArb(venue, fc.constant(false)), fc.double({ min: 0.03, max: 0.6, noNaN: true })), { minLength: 2, maxLength: 3 })
          .map((ps) => ps.map(([p, aim], i) => [{ ...p, symbol: SYMBOLS[i]! }, aim] as [Position, number]))
      : fc.array(fc.tuple(positionArb(venue), fc.double({ min: 0.03, max: 0.6, noNaN: true })), { minLength: 1, maxLength: 4 }),
    poolRho: fc.double({ min: 0.03, max: 0.6, noNaN: true }),
    sigmaAnnual: fc.array(fc.double({ min: 0.3, max: 3, noNaN: true }), { minLength: 3, maxLength: 3 }),
    walk: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 120, maxLength: 120 }),
    before: fc.array(fc.double({ min: 0.99, max: 1.01, noNaN: true }), { minLength: 3, maxLength: 3 }),
    fundingRate: fc.option(fc.double({ min: -0.003, max: 0.003, noNaN: true }), { nil: null }),
    fundingInMin: fc.integer({ min: 5, max: 479 }),
    trials: fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 12, maxLength: 12 }),
  }),
);
const SYMBOLS = ['AAA', 'BBB', 'CCC'];
const caseArb = caseArbOf(false);

type Case = typeof caseArb extends fc.Arbitrary<infer C> ? C : never;
/** Every corner of the three symbols' box: where a pool's sum of terms reaches its extremes. */
const CORNERS = [0, 1, 2, 3, 4, 5, 6, 7].map((b) => [b & 1, (b >> 1) & 1, (b >> 2) & 1]);

function accountOf(c: Case): Account {
  const model = marginModels[c.venue];
  const marks = new Map<string, Position['markPrice']>();
  for (const [p] of c.positions) if (!marks.has(p.symbol)) marks.set(p.symbol, p.markPrice);
  const placed = c.positions.map(([p0, aim]) => {
    const p = { ...p0, markPrice: marks.get(p0.symbol)! };
    // Not so deep in profit that the collateral would have to be negative.
    const cap = (0.9 * model.requirement(p, p.markPrice)) / aim;
    const held = unrealisedPnl(p, p.markPrice) <= cap ? p : { ...p, entryPrice: price(p.markPrice - (p.side === 'long' ? 1 : -1) * (cap / p.qty)) };
    if (held.marginMode !== 'isolated') return held;
    const bare = { ...held, isolatedMargin: usdt(0) };
    const margin = (model.requirement(held, held.markPrice) / aim - model.isolatedEquity(bare, held.markPrice)) / model.isolatedTopUpGain(held);
    return { ...held, isolatedMargin: usdt(Math.max(0, margin)) };
  });
  const cross = placed.filter((p) => p.marginMode === 'cross');
  const requirement = cross.reduce((sum, p) => sum + model.requirement(p, p.markPrice), 0);
  const pnl = cross.reduce((sum, p) => sum + unrealisedPnl(p, p.markPrice), 0);
  return { exchange: c.venue, walletBalance: usdt(cross.length === 0 ? 0 : Math.max(0, requirement / c.poolRho - pnl)), positions: placed };
}

/** Two hours of one-minute marks ending at the account's, each symbol at its own volatility. */
function historyOf(c: Case, account: Account): MarkHistory {
  const end = Object.fromEntries(account.positions.map((p) => [p.symbol, p.markPrice as number]));
  const paths = SYMBOLS.map((_, k) => {
    const perMinute = c.sigmaAnnual[k]! / Math.sqrt(365 * 24 * 60);
    let log = 0;
    return c.walk.map((_, i) => (log += perMinute * 1.7 * c.walk[(i + 37 * k) % c.walk.length]!));
  });
  return c.walk.map((_, i) => {
    const marks: Record<string, number> = {};
    SYMBOLS.forEach((s, k) => {
      const path = paths[k]!;
      if (end[s] !== undefined) marks[s] = end[s] * Math.exp(path[i]! - path[path.length - 1]!);
    });
    return [T0 - 2 * MINUTE - (c.walk.length - 1 - i) * MINUTE, marks] as const;
  });
}

/** The monitor after a step at marks a little off and one at the account's own (a prediction may be open). */
function monitorOf(c: Case): Monitor {
  const account = accountOf(c);
  const model = marginModels[c.venue];
  let m = createMonitor({ account, model, options: { accountId: `${c.venue}:fb` }, history: historyOf(c, account) });
  const own = Object.fromEntries(account.positions.map((p) => [p.symbol, p.markPrice as number]));
  const off = Object.fromEntries(Object.entries(own).map(([s, x]) => [s, x * c.before[SYMBOLS.indexOf(s)]!]));
  const funding: Record<string, FundingNotice> = c.fundingRate === null ? {} : { [account.positions[0]!.symbol]: { rate: c.fundingRate, timeMs: T0 + c.fundingInMin * MINUTE } };
  m = monitorStep(m, { kind: 'marks', marks: off, funding }, T0 - MINUTE).monitor;
  return monitorStep(m, { kind: 'marks', marks: own }, T0).monitor;
}

/** The monitor evaluated at `marks` with everything else held: no volatility, shape or clock update. */
function heldAt(m: Monitor, marks: Readonly<Record<string, number>>): Monitor {
  const moved: Monitor = { ...m, account: withMarks(m.account, marks), state: { ...m.state, marks: { ...m.state.marks, ...marks } }, view: null };
  return monitorStep(moved, { kind: 'clock' }, m.state.now!).monitor;
}

/** Each subject's tier and prediction: what the band promises to keep (the prediction) given the tier. */
const predictions = (m: Monitor): Record<string, { tier: number; prediction: string | null }> =>
  Object.fromEntries(Object.entries(m.state.alerts.subjects).map(([k, s]) => [k, { tier: s.tierIndex, prediction: s.prediction?.id ?? null }]));

/** A price strictly inside both bands of a symbol, at fraction u of the way (or the mark, if the band is empty). */
function inside(tier: TierBand, forecast: ForecastBand, symbol: string, mark: number, u: number): number {
  const t = tier[symbol];
  const f = forecast.band[symbol];
  const lo = Math.max(t?.below ?? 0, f?.below ?? 0, mark * 0.5);
  const hi = Math.min(t?.above ?? Infinity, f?.above ?? Infinity, mark * 1.5);
  if (!(hi > lo)) return mark;
  return lo + (hi - lo) * (0.001 + 0.998 * u);
}

/** The forecast edges of a band that are real prices, not the mark itself (a symbol with no band). */
const edgesOf = (b: ForecastBand, marks: Readonly<Record<string, number>>) =>
  Object.entries(b.band).flatMap(([s, e]) =>
    e.below === e.above && e.below === marks[s]
      ? []
      : [...(e.below === null ? [] : [{ symbol: s, side: 'below' as const, price: e.below }]), ...(e.above === null ? [] : [{ symbol: s, side: 'above' as const, price: e.above }])],
  );

/** The main property over `arb`; what it saw, for the callers to check the generator exercised it. */
function keepsPredictions(arb: fc.Arbitrary<Case>, seed: number, numRuns: number) {
  const seen = { withEdges: 0, withOpen: 0, checked: 0, binding: 0 };
  fc.assert(
    fc.property(arb, (c) => {
      const m = monitorOf(c);
      const fb = forecastBand(m)!;
      const tb = tierBand(m);
      const marks = m.state.marks;
      const before = predictions(m);
      if (edgesOf(fb, marks).length > 0) seen.withEdges += 1;
      if (Object.values(before).some((s) => s.prediction !== null)) seen.withOpen += 1;
      // The forecast band narrower than the tier band somewhere: the runs where it is what is tested.
      if (edgesOf(fb, marks).some((e) => (e.side === 'below' ? e.price > (tb[e.symbol]?.below ?? 0) : e.price < (tb[e.symbol]?.above ?? Infinity)))) seen.binding += 1;
      expect(structuredClone(fb)).toEqual(fb);
      const held = m.account.positions.map((p) => p.symbol).filter((s, i, all) => all.indexOf(s) === i);
      for (const us of [...c.trials, ...CORNERS]) {
        const moved = Object.fromEntries(held.map((s) => [s, inside(tb, fb, s, marks[s]!, us[SYMBOLS.indexOf(s)]!)]));
        for (const [s, x] of Object.entries(moved)) {
          if (x === marks[s]) continue;
          expect(leavesTierBand(fb.band, s, x)).toBe(false);
        }
        const after = predictions(heldAt(m, moved));
        for (const [subject, s] of Object.entries(before)) {
          // A tier left through its hysteresis happens inside the tier band (tier-band.ts): its
          // prediction moves with the tier, which is not this band's to watch.
          if (after[subject]?.tier !== s.tier) continue;
          seen.checked += 1;
          expect(after[subject]?.prediction, `${subject} at ${JSON.stringify(moved)} from ${JSON.stringify(marks)}; band ${JSON.stringify(fb.band)}`).toBe(s.prediction);
        }
      }
    }),
    { numRuns, seed, endOnFailure: true },
  );
  return seen;
}

describe('forecast band', () => {
  it('no prediction fires or is withdrawn while every mark stays inside both bands (inputs held), on all four venues', () => {
    const seen = keepsPredictions(caseArb, SEED, 240);
    // The generator must keep producing what the property is about.
    expect(seen.withEdges).toBeGreaterThan(100);
    expect(seen.withOpen).toBeGreaterThan(20);
    expect(seen.checked).toBeGreaterThan(2000);
  });

  it('the same for cross pools of two and three symbols, where the forecast edge is tighter than the tier band', () => {
    const seen = keepsPredictions(caseArbOf(true), SEED + 2, 240);
    expect(seen.binding).toBeGreaterThan(60);
    expect(seen.withOpen).toBeGreaterThan(20);
  });

  it('is no wider than it must be for one symbol: just past an isolated position\'s forecast edge, its prediction moves', () => {
    let moved = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const m = monitorOf(c);
        const fb = forecastBand(m)!;
        const before = predictions(m);
        for (const p of m.account.positions) {
          if (p.marginMode !== 'isolated' || m.account.positions.filter((q) => q.symbol === p.symbol).length > 1) continue;
          // Alone on its symbol: its forecast edge is its own.
          const e = fb.band[p.symbol];
          if (e === undefined || (e.below === e.above && e.below === p.markPrice)) continue;
          const subject = `${c.venue}:fb:isolated:${p.symbol}:${p.side}`;
          for (const side of ['below', 'above'] as const) {
            const edge = e[side];
            if (edge === null) continue;
            const past = edge * (side === 'below' ? 1 - 1e-5 : 1 + 1e-5);
            const after = predictions(heldAt(m, { [p.symbol]: past }));
            expect(after[subject], `${subject} past ${side} ${edge}`).not.toEqual(before[subject]);
            const inner = edge * (side === 'below' ? 1 + 1e-5 : 1 - 1e-5);
            const within = predictions(heldAt(m, { [p.symbol]: inner }))[subject];
            if (within?.tier === before[subject]?.tier) expect(within?.prediction).toBe(before[subject]?.prediction);
            moved += 1;
          }
        }
      }),
      { numRuns: 240, seed: SEED + 1, endOnFailure: true },
    );
    expect(moved).toBeGreaterThan(30);
  });

  it('a real step before the band\'s time, marks inside both bands, moves no estimate and no prediction, and the band holds after it; the first mark at that time takes the next return', () => {
    let stepped = 0;
    let renewed = 0;
    let kept = 0;
    const estimates = (m: Monitor) => ({ volatility: m.state.volatility, shape: m.state.shape, correlation: m.state.correlation });
    fc.assert(
      fc.property(fc.oneof(caseArb, caseArbOf(true)), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (c, u) => {
        const m = monitorOf(c);
        const fb = forecastBand(m)!;
        const tb = tierBand(m);
        // No odds watched (no target, or none in reach): no time. Otherwise the warmed estimates give one.
        if (fb.untilMs === null) return;
        expect(fb.untilMs).toBeLessThanOrEqual(T0 + MINUTE);
        const held = m.account.positions.map((p) => p.symbol).filter((s, i, all) => all.indexOf(s) === i);
        const moved = Object.fromEntries(held.map((s) => [s, inside(tb, fb, s, m.state.marks[s]!, c.trials[0]![SYMBOLS.indexOf(s)]!)]));
        const t = T0 + Math.max(1, Math.floor(u * (fb.untilMs! - T0)));
        if (t >= fb.untilMs!) return;
        const before = predictions(m);
        const later = monitorStep(m, { kind: 'marks', marks: moved }, t).monitor;
        expect(estimates(later)).toEqual(estimates(m));
        const after = predictions(later);
        for (const [subject, x] of Object.entries(before)) {
          if (after[subject]?.tier !== x.tier) continue;
          stepped += 1;
          expect(after[subject]?.prediction, `${subject} at ${t - T0} ms, ${JSON.stringify(moved)}`).toBe(x.prediction);
        }
        // The band drawn before that step, kept for the monitor after it (forecastBandHolds, as the relay's
        // calm steps keep it): marks anywhere inside it still move no prediction of the stepped monitor.
        if (forecastBandHolds(m, later)) {
          kept += 1;
          const tierLater = tierBand(later);
          for (const us of [...c.trials.slice(1), ...CORNERS]) {
            const elsewhere = Object.fromEntries(held.map((s) => [s, inside(tierLater, fb, s, moved[s]!, us[SYMBOLS.indexOf(s)]!)]));
            const there = predictions(heldAt(later, elsewhere));
            for (const [subject, x] of Object.entries(after)) {
              if (there[subject]?.tier !== x.tier) continue;
              expect(there[subject]?.prediction, `${subject} kept band at ${JSON.stringify(elsewhere)} from ${JSON.stringify(moved)}`).toBe(x.prediction);
            }
          }
        }
        if (fb.untilMs !== T0 + MINUTE) return;
        // At the band's time the same marks are a minute's return: the estimates move.
        const due = monitorStep(m, { kind: 'marks', marks: moved }, fb.untilMs).monitor;
        expect(estimates(due).volatility).not.toEqual(estimates(m).volatility);
        expect(forecastBandHolds(m, due)).toBe(false);
        renewed += 1;
      }),
      { numRuns: 200, seed: SEED + 3, endOnFailure: true },
    );
    expect(stepped).toBeGreaterThan(200);
    expect(renewed).toBeGreaterThan(100);
    expect(kept).toBeGreaterThan(50);
  });

  it('no evaluation, no band; a funding payment entering the horizon bounds how long the band holds', () => {
    const account: Account = {
      exchange: 'binance',
      walletBalance: usdt(0),
      positions: [
        {
          symbol: 'AAA',
          side: 'long',
          qty: qty(1),
          entryPrice: price(100),
          markPrice: price(100),
          marginMode: 'isolated',
          isolatedMargin: usdt(10),
          leverage: 10,
          tiers: buildTierTable([{ floor: 0, mmr: 0.01 }], 'notional'),
          takerFeeRate: ratio(0.0005),
        },
      ],
    };
    const fresh = createMonitor({ account, model: marginModels.binance, options: { accountId: 'x' } });
    expect(forecastBand(fresh)).toBeNull();
    // A payment 4 h 30 s ahead: the 4 h forecast sees it 30 s from now, before the estimates' next minute.
    const soon = monitorStep(fresh, { kind: 'marks', marks: { AAA: 100 }, funding: { AAA: { rate: 0.001, timeMs: T0 + 4 * 3_600_000 + 30_000 } } }, T0).monitor;
    expect(forecastBand(soon)!.untilMs).toBe(T0 + 30_000);
    const funded = monitorStep(fresh, { kind: 'marks', marks: { AAA: 100 }, funding: { AAA: { rate: 0.001, timeMs: T0 + 6 * 3_600_000 } } }, T0).monitor;
    const band = forecastBand(funded)!;
    expect(band.untilMs).toBe(T0 + MINUTE); // the estimates' next return; the 4 h forecast sees the payment 2 h from now
    expect(band.band['AAA']!.below).toBeLessThan(100);
    expect(band.band['AAA']!.above).toBeNull();
  });
});
