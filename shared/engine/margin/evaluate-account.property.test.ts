import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { marginModels } from '../../exchanges/venues.ts';
import { price, qty, ratio, usdt } from '../../units/units.ts';
import { VENUE_IDS, type Account, type Position, type VenueId } from '../positions/account.ts';
import { evaluateAccount } from './evaluate-account.ts';
import { buildTierTable } from './maintenance-tiers.ts';
import { crossParts, partsFor, riskRatio } from './risk-parts.ts';

/**
 * Invariants no example list covers, over random accounts on every venue: the risk ratio at a tier
 * price is the tier, more margin never raises it, tier prices are ordered, the suggestions really
 * reach the target, and no finite input yields NaN.
 */

const tiersArb = fc
  .array(fc.record({ width: fc.double({ min: 1_000, max: 5_000_000, noNaN: true }), step: fc.double({ min: 0.0005, max: 0.02, noNaN: true }) }), {
    minLength: 1,
    maxLength: 4,
  })
  .map((rows) => {
    let floor = 0;
    let mmr = 0.002;
    return rows.map((r) => {
      const row = { floor, mmr };
      floor += r.width;
      mmr += r.step;
      return row;
    });
  });

const positionArb = (venue: VenueId) =>
  fc
    .record({
      symbol: fc.constantFrom('AAA', 'BBB', 'CCC'),
      side: fc.constantFrom('long' as const, 'short' as const),
      qty: fc.double({ min: 0.001, max: 50, noNaN: true }),
      entry: fc.double({ min: 0.5, max: 80_000, noNaN: true }),
      markMove: fc.double({ min: 0.7, max: 1.3, noNaN: true }),
      isolated: fc.boolean(),
      leverage: fc.integer({ min: 1, max: 100 }),
      extraFraction: fc.double({ min: 0, max: 2, noNaN: true }),
      tiers: tiersArb,
      qtyBasis: fc.boolean(),
      fee: fc.double({ min: 0, max: 0.001, noNaN: true }),
      classic: fc.boolean(),
    })
    .map((r): Position => {
      const initial = (r.qty * r.entry) / r.leverage;
      return {
        symbol: r.symbol,
        side: r.side,
        qty: qty(r.qty),
        entryPrice: price(r.entry),
        markPrice: price(r.entry * r.markMove),
        marginMode: r.isolated ? 'isolated' : 'cross',
        ...(r.isolated ? { isolatedMargin: usdt(initial * (1 + r.extraFraction)) } : {}),
        leverage: r.leverage,
        ...(venue === 'bybit' && r.classic ? { accountType: 'classic' as const } : {}),
        // OKX tiers count contracts: continuous in price only with a qty basis.
        tiers: buildTierTable(r.tiers, venue === 'okx' && r.qtyBasis ? 'qty' : 'notional'),
        takerFeeRate: ratio(r.fee),
      };
    });

/** One mark per symbol, as the venues have it; an account's positions on a symbol share it. */
function withSharedMarks(a: Account): Account {
  const marks = new Map<string, Position['markPrice']>();
  for (const p of a.positions) if (!marks.has(p.symbol)) marks.set(p.symbol, p.markPrice);
  return { ...a, positions: a.positions.map((p) => ({ ...p, markPrice: marks.get(p.symbol)! })) };
}

const accountArb = (maxPositions: number) =>
  fc.constantFrom(...VENUE_IDS).chain((venue) =>
    fc
      .record({
        wallet: fc.double({ min: 0, max: 2_000_000, noNaN: true }),
        positions: fc.array(positionArb(venue), { minLength: 1, maxLength: maxPositions }),
      })
      .map(({ wallet, positions }): Account => withSharedMarks({ exchange: venue, walletBalance: usdt(wallet), positions })),
  );

/** OKX with a notional-basis table jumps at tier bounds; there a tier price is a bound, not an exact level. */
const continuousIn = (a: Account, p: Position) => !(a.exchange === 'okx' && p.tiers.basis === 'notional');

function findNaN(value: unknown, path = 'risk'): string | null {
  if (typeof value === 'number') return Number.isNaN(value) ? path : null;
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const found = findNaN(v, `${path}.${k}`);
      if (found) return found;
    }
  }
  return null;
}

const rhoOf = (a: Account, p: Position, mark?: number) =>
  riskRatio(partsFor(a, marginModels[a.exchange], p, mark === undefined ? undefined : { symbol: p.symbol, price: mark }));

describe('margin engine invariants (fast-check)', () => {
  test('no finite input yields NaN; prices are null or finite and positive', () => {
    fc.assert(
      fc.property(accountArb(4), (a) => {
        const risk = evaluateAccount(a, marginModels[a.exchange]);
        expect(findNaN(risk)).toBeNull();
        for (const p of risk.positions) {
          for (const tp of Object.values(p.tierPrices)) if (tp !== null) expect(Number.isFinite(tp) && tp > 0).toBe(true);
          expect(Number.isFinite(p.topUp) && p.topUp >= 0).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('the risk ratio at a tier price equals the tier', () => {
    fc.assert(
      fc.property(accountArb(3), (a) => {
        const risk = evaluateAccount(a, marginModels[a.exchange]);
        risk.positions.forEach((pr, i) => {
          const p = a.positions[i]!;
          if (!continuousIn(a, p)) return;
          for (const [level, tp] of Object.entries(pr.tierPrices)) {
            if (tp === null) continue;
            expect(rhoOf(a, p, tp)).toBeCloseTo(Number(level), 6);
          }
        });
      }),
      { numRuns: 400 },
    );
  });

  test('more margin never raises the risk ratio', () => {
    fc.assert(
      fc.property(accountArb(3), fc.double({ min: 0.01, max: 1_000_000, noNaN: true }), (a, extra) => {
        const model = marginModels[a.exchange];
        const before = evaluateAccount(a, model);
        const richer = evaluateAccount({ ...a, walletBalance: usdt(a.walletBalance + extra) }, model);
        expect(richer.riskRatio).toBeLessThanOrEqual(before.riskRatio);
        const padded = evaluateAccount(
          { ...a, positions: a.positions.map((p) => (p.marginMode === 'isolated' ? { ...p, isolatedMargin: usdt((p.isolatedMargin ?? 0) + extra) } : p)) },
          model,
        );
        padded.positions.forEach((p, i) => expect(p.riskRatio).toBeLessThanOrEqual(before.positions[i]!.riskRatio));
      }),
      { numRuns: 300 },
    );
  });

  test('tier prices are ordered: a worse tier lies further from the mark', () => {
    fc.assert(
      fc.property(accountArb(1), (a) => {
        const p = a.positions[0]!;
        if (!continuousIn(a, p) || rhoOf(a, p) >= 0.5) return;
        const tp = evaluateAccount(a, marginModels[a.exchange]).positions[0]!.tierPrices;
        const distances = ['0.5', '0.8', '0.9', '1'].map((k) => tp[k]).filter((x): x is number => x !== null && x !== undefined).map((x) => Math.abs(x - p.markPrice));
        for (let i = 1; i < distances.length; i++) expect(distances[i]!).toBeGreaterThanOrEqual(distances[i - 1]! * (1 - 1e-9));
      }),
      { numRuns: 400 },
    );
  });

  test('the suggested top-up brings the risk ratio down to the target', () => {
    fc.assert(
      fc.property(accountArb(3), (a) => {
        const model = marginModels[a.exchange];
        const risk = evaluateAccount(a, model, { target: 0.5 });
        risk.positions.forEach((pr, i) => {
          const p = a.positions[i]!;
          if (pr.topUp === 0 || !Number.isFinite(pr.riskRatio)) return;
          const after: Account =
            p.marginMode === 'cross'
              ? { ...a, walletBalance: usdt(a.walletBalance + pr.topUp) }
              : { ...a, positions: a.positions.map((o, j) => (j === i ? { ...o, isolatedMargin: usdt((o.isolatedMargin ?? 0) + pr.topUp) } : o)) };
          expect(rhoOf(after, after.positions[i]!)).toBeLessThanOrEqual(0.5 + 1e-9);
        });
      }),
      { numRuns: 300 },
    );
  });

  test('the suggested reduction brings the risk ratio down to the target, fee paid', () => {
    fc.assert(
      fc.property(accountArb(3), (a) => {
        const model = marginModels[a.exchange];
        const risk = evaluateAccount(a, model, { target: 0.5 });
        risk.positions.forEach((pr, i) => {
          const p = a.positions[i]!;
          if (pr.reduction.kind !== 'reduce' || pr.reduction.closesPosition) return;
          const keep = p.qty - pr.reduction.qty;
          const reduced = { ...p, qty: qty(keep), ...(p.isolatedMargin !== undefined ? { isolatedMargin: usdt((p.isolatedMargin * keep) / p.qty) } : {}) };
          // Closing realises PnL (equity unchanged) and pays the taker fee from the wallet.
          const realised = p.marginMode === 'cross' ? (p.side === 'long' ? 1 : -1) * (p.qty - keep) * (p.markPrice - p.entryPrice) : 0;
          const after: Account = {
            ...a,
            walletBalance: usdt(a.walletBalance + realised - (p.marginMode === 'cross' ? pr.reduction.feeUsdt : 0)),
            positions: a.positions.map((o, j) => (j === i ? reduced : o)),
          };
          expect(rhoOf(after, reduced)).toBeLessThanOrEqual(0.5 * (1 + 1e-9));
        });
      }),
      { numRuns: 300 },
    );
  });
  test('a cross reduction said unreachable is: no quantity kept brings the pool to the target', () => {
    let unreachable = 0;
    fc.assert(
      fc.property(accountArb(4), (a) => {
        const model = marginModels[a.exchange];
        const risk = evaluateAccount(a, model, { target: 0.5 });
        risk.positions.forEach((pr, i) => {
          const p = a.positions[i]!;
          if (p.marginMode !== 'cross' || pr.reduction.kind !== 'unreachable') return;
          unreachable += 1;
          for (let k = 0; k < 64; k += 1) {
            const keep = (p.qty * k) / 64;
            const reduced = { ...p, qty: qty(keep) };
            const closed = p.qty - keep;
            const realised = (p.side === 'long' ? 1 : -1) * closed * (p.markPrice - p.entryPrice);
            const after: Account = { ...a, walletBalance: usdt(a.walletBalance + realised - p.takerFeeRate * closed * p.markPrice), positions: a.positions.map((o, j) => (j === i ? reduced : o)) };
            // requirement > target x equity: rho above target, or equity gone that closing cannot restore.
            const parts = crossParts(after, model);
            expect(parts.requirement - 0.5 * parts.equity).toBeGreaterThan(0);
          }
        });
      }),
      { numRuns: 300, seed: 12 },
    );
    // The generator reaches the case.
    expect(unreachable).toBeGreaterThan(20);
  });
});
