import { describe, expect, it } from 'vitest';
import { VENUE_IDS, type MaintenanceTier, type VenueId } from '../../../shared/engine/positions/account.ts';
import type { ScenarioName } from '../../market-paths/scenarios.ts';
import { tierFor } from '../../../shared/engine/margin/maintenance-tiers.ts';
import { engineRisk, engineTiers } from '../../test-support/engine-view.ts';
import { createMarket } from '../market/market.ts';
import { AccountBook } from './account-book.ts';
import { DEMO_ACCOUNTS, type DemoAccount } from './demo-accounts.ts';
import type { SimPosition } from './sim-position.ts';

/**
 * Two implementations check each other: the simulator's own venue formulas (venues/<venue>/figures.ts,
 * written from the venues' documents, no engine code) against the engine (evaluateAccount with the
 * venue's margin model), at every second of every price scenario, on each venue's demo account and on
 * a second account built to reach the branches the demo accounts do not: shorts, the other margin mode,
 * sizes whose liquidation price lies in another tier than the mark (Binance, Bybit cross and isolated,
 * Hyperliquid), and OKX sizes exactly on a tier bound.
 *
 * Tolerance: both sides evaluate the same closed forms in doubles, so they agree to rounding unless a
 * formula differs (measured: 5e-16 relative on Binance, Bybit, OKX; 2e-13 on Hyperliquid, where the
 * engine fits its price slices over wide tier spans). 1e-9 relative is far inside every venue's printed precision (USDT figures
 * to 8 decimals; prices to a tick, 0.1 on BTC at ~97,000 is 1e-6 relative), so any real formula
 * difference (a fee, a tier, a sign, a deduction) fails it by orders of magnitude.
 */
const START = 1_760_000_000_000;
const MINUTE = 60_000;
const SCENARIOS: readonly ScenarioName[] = ['calm', 'trend', 'crash', 'wick'];
const RUN_MS = 90 * MINUTE;
const STEP_MS = 1000;
const REL = 1e-9;

/** Opened at the scenario's start prices (BTC 97,000, ETH 3,400, SOL 190). */
const WIDER_ACCOUNTS: Readonly<Record<VenueId, DemoAccount>> = {
  binance: {
    venue: 'binance',
    walletBalance: 300_000,
    positions: [
      // 3.0M notional: bracket 4 at the mark, bracket 3 at its liquidation price.
      { coin: 'BTC', side: 'long', qty: 31, marginMode: 'cross', leverage: 20 },
      // 578k short: bracket 2 at the mark, bracket 3 at its liquidation price (~3,716).
      { coin: 'ETH', side: 'short', qty: 170, marginMode: 'isolated', leverage: 10 },
      { coin: 'SOL', side: 'short', qty: 2000, marginMode: 'cross', leverage: 20 },
    ],
  },
  bybit: {
    venue: 'bybit',
    walletBalance: 200_000,
    positions: [
      // 2.04M: risk-limit tier 3 at the mark, tier 2 at its liquidation price.
      { coin: 'BTC', side: 'long', qty: 21, marginMode: 'cross', leverage: 20 },
      // 204k isolated: tier 2 at the mark, tier 1 at its liquidation price.
      { coin: 'ETH', side: 'long', qty: 60, marginMode: 'isolated', leverage: 10 },
      { coin: 'SOL', side: 'short', qty: 500, marginMode: 'isolated', leverage: 15 },
    ],
  },
  okx: {
    venue: 'okx',
    walletBalance: 200_000,
    positions: [
      // Tiers count contracts: 2,000 BTC and 5,000 ETH contracts are exactly tier 1's maxSz (still
      // tier 1); 20,001 SOL contracts are exactly tier 2's minSz (tier 2).
      { coin: 'BTC', side: 'short', qty: 20, marginMode: 'cross', leverage: 20 },
      { coin: 'ETH', side: 'long', qty: 500, marginMode: 'cross', leverage: 20 },
      { coin: 'SOL', side: 'short', qty: 20_001, marginMode: 'isolated', leverage: 10 },
    ],
  },
  hyperliquid: {
    venue: 'hyperliquid',
    walletBalance: 9_700_000,
    positions: [
      // 76M: margin tier 2 (from 70M) at the mark, tier 1 at its liquidation price.
      { coin: 'SOL', side: 'long', qty: 400_000, marginMode: 'cross', leverage: 5 },
      { coin: 'BTC', side: 'short', qty: 2, marginMode: 'isolated', leverage: 20 },
      { coin: 'ETH', side: 'short', qty: 30, marginMode: 'cross', leverage: 10 },
    ],
  },
};

interface Tally {
  steps: number;
  positions: number;
  liquidationPrices: number;
  /** Liquidation prices in another tier than the mark (the formulas re-picked the tier at the answer). */
  tierMoves: number;
  /** The same, for short positions (the tier moves up). */
  shortTierMoves: number;
  /** Positions checked at rho >= 1, the instant the simulator closes them. */
  pastLiquidation: number;
  liquidations: number;
  /** Largest relative difference seen, for the failure message. */
  worst: { rel: number; at: string };
  failures: string[];
}

/** The tier (as the engine's table counts it) that holds this position at `price`. */
const tierAt = (venue: VenueId, p: SimPosition, price: number): MaintenanceTier => {
  const table = engineTiers(venue, p.coin);
  return tierFor(table, table.basis === 'qty' ? p.qty : p.qty * price);
};

function run(venue: VenueId, account: DemoAccount, scenario: ScenarioName, seed: number): Tally {
  const market = createMarket({ scenario, seed, startMs: START });
  const book = new AccountBook(account, market, { fundingIntervalMs: 60 * MINUTE, liquidations: true });
  const tally: Tally = { steps: 0, positions: 0, liquidationPrices: 0, tierMoves: 0, shortTierMoves: 0, pastLiquidation: 0, liquidations: 0, worst: { rel: 0, at: '' }, failures: [] };
  const check = (field: string, mine: number | null, engine: number | null, t: number, exact = false): void => {
    const ok =
      mine === null || engine === null
        ? mine === engine
        : mine === engine || Math.abs(mine - engine) <= REL * (exact ? Math.abs(engine) : Math.max(1, Math.abs(engine)));
    const rel = mine === null || engine === null || mine === engine ? (ok ? 0 : Infinity) : Math.abs(mine - engine) / Math.abs(engine);
    const at = `${venue} ${scenario} seed ${seed} +${(t - START) / 1000}s ${field}: simulator ${mine}, engine ${engine}`;
    if (rel > tally.worst.rel) tally.worst = { rel, at };
    if (!ok && tally.failures.length < 5) tally.failures.push(at);
  };
  for (let t = START; t <= START + RUN_MS; t += STEP_MS) {
    // Both sides see the book as the simulator is about to judge it at t (funding and liquidations of
    // earlier steps applied); the simulator then liquidates by its own figures.
    const mine = book.figures(t);
    const engine = engineRisk(book, t);
    tally.steps += 1;
    check('cross requirement', mine.crossRequirement, engine.maintenanceMargin, t);
    check('cross equity', mine.crossEquity, engine.equity, t);
    check('cross rho', mine.crossRiskRatio, engine.riskRatio, t);
    check('worst rho', mine.worstRiskRatio, engine.worstRiskRatio, t);
    mine.positions.forEach((f, i) => {
      const e = engine.positions[i];
      const p = f.position;
      const name = `${p.coin} ${p.side} ${p.marginMode}`;
      if (e?.symbol !== p.coin) {
        check(`${name} missing in the engine`, 0, null, t);
        return;
      }
      tally.positions += 1;
      if (f.riskRatio >= 1) tally.pastLiquidation += 1;
      check(`${name} maintenance`, f.requirement, e.maintenanceMargin, t);
      check(`${name} uPnL`, f.unrealisedPnl, e.unrealisedPnl, t);
      check(`${name} rho`, f.riskRatio, e.riskRatio, t);
      check(`${name} liquidation price`, f.liquidationPrice, e.liquidationPrice, t, true);
      if (f.liquidationPrice === null) return;
      tally.liquidationPrices += 1;
      if (tierAt(venue, p, f.liquidationPrice).floor === tierAt(venue, p, f.mark).floor) return;
      tally.tierMoves += 1;
      if (p.side === 'short') tally.shortTierMoves += 1;
    });
    const held = book.positions.length;
    book.advance(t);
    tally.liquidations += held - book.positions.length;
  }
  return tally;
}

describe('simulator formulas against the engine', () => {
  for (const venue of VENUE_IDS) {
    for (const scenario of SCENARIOS) {
      it(`${venue}, ${scenario}: maintenance, rho and liquidation price agree at every second`, () => {
        const demo = run(venue, DEMO_ACCOUNTS[venue], scenario, 1);
        const wider = run(venue, WIDER_ACCOUNTS[venue], scenario, 2);
        for (const t of [demo, wider]) {
          expect(t.failures, `worst ${t.worst.at}`).toEqual([]);
          expect(t.steps).toBe(RUN_MS / STEP_MS + 1);
          expect(t.liquidationPrices).toBeGreaterThan(1000);
        }
        // The checks reach what they are there for: a liquidation price in another tier than the mark
        // (notional tiers), and on the crash every demo position judged at rho >= 1 and closed.
        if (venue !== 'okx') expect(wider.tierMoves).toBeGreaterThan(0);
        if (venue === 'binance') expect(wider.shortTierMoves).toBeGreaterThan(0);
        if (scenario === 'crash') {
          expect(demo.liquidations).toBe(3);
          expect(demo.pastLiquidation).toBeGreaterThanOrEqual(1);
        }
      }, 120_000);
    }
  }
});
