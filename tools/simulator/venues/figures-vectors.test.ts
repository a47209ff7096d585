import { describe, expect, it } from 'vitest';
import { loadVectors, type Vector } from '../../test-support/shared-design.ts';
import { deductions, type NotionalTier } from '../accounts/tier-tables.ts';
import { oneWayLiquidationPrice } from './binance/figures.ts';
import { utaIsolatedLiquidationPrice } from './bybit/figures.ts';
import { liquidationPx, maintenanceTiers } from './hyperliquid/figures.ts';
import { isolatedLiquidationPrice } from './okx/figures.ts';

/**
 * The simulator's own venue formulas (venues/<venue>/figures.ts) against the published worked examples
 * in the team's vectors, each at the tolerance the vector states. The engine passes the same vectors in
 * shared/engine; with both proven on the examples, independent-figures.test.ts can hold them against
 * each other on every scenario.
 */
const vectors = loadVectors();

const byCase = (exchange: string, prefix: string): Vector => {
  const v = vectors.find((x) => x.exchange === exchange && x.case.startsWith(prefix));
  if (v === undefined) throw new Error(`no ${exchange} vector "${prefix}"`);
  return v;
};

/** A number as the vectors write it: "1535443.01", "1*10/5", "2985.9 (=positionValue/szi)". */
function num(value: unknown): number {
  const text = String(value).split(' ')[0] ?? '';
  const [head, ...rest] = text.split(/(?=[*/])/);
  let out = Number(head);
  for (const part of rest) out = part.startsWith('*') ? out * Number(part.slice(1)) : out / Number(part.slice(1));
  if (!Number.isFinite(out)) throw new Error(`not a number: ${String(value)}`);
  return out;
}

const input = (v: Vector, key: string): number => num(v.inputs[key]);
const sideOf = (v: Vector): 1 | -1 => (v.inputs['side'] !== undefined ? (input(v, 'side') === -1 ? -1 : 1) : / SHORT /.test(v.case) ? -1 : 1);

/** Checks `actual` against the vector's expected figure at the tolerance the vector states. */
function expectStated(v: Vector, key: string, actual: number): void {
  const expected = Number(v.expected[key]);
  const stated = v.tolerance ?? 'exact';
  const [size = '0', kind = 'exact'] = stated.split(' ');
  const allowed = stated.startsWith('exact') ? 1e-9 * Math.max(1, Math.abs(expected)) : kind.startsWith('rel') ? Number(size) * Math.abs(expected) : Number(size);
  expect(Math.abs(actual - expected), `${v.case}: ${key} ${actual} vs ${expected} (${stated})`).toBeLessThanOrEqual(allowed);
}

const notionalTiers = (rows: { floor: number; mmr: number }[]): NotionalTier[] =>
  rows.map((r, i) => ({ floor: r.floor, cap: rows[i + 1]?.floor ?? Number.POSITIVE_INFINITY, mmr: r.mmr, maxLeverage: 1 }));

describe('Binance figures against the FAQ and freqtrade vectors', () => {
  it('one-way liquidation price: the FAQ account (cross, BTC leg) and its isolated and synthetic rows', () => {
    const rows = vectors.filter((v) => v.exchange === 'binance' && v.inputs['formula'] === 'binance_lp');
    expect(rows.length).toBe(8);
    for (const v of rows) {
      const lp = oneWayLiquidationPrice({
        wb: input(v, 'WB'), tmm1: input(v, 'TMM1'), upnl1: input(v, 'UPNL1'), cum: input(v, 'cumB'),
        side: sideOf(v), q: input(v, 'position'), ep: input(v, 'EP'), mmr: input(v, 'MMR'),
      });
      expectStated(v, 'liquidation_price', lp);
    }
  });

  it('cum by the recursion: FAQ level 3 (1,300) and the real BTCUSDT brackets (950, 11,450)', () => {
    const faq = byCase('binance', 'Bracket maintenance amount (cum) recursion, FAQ');
    // Level 2 cum 50 at 0.5 % means a floor of 50 / (0.005 - 0.004) = 50,000 over a 0.4 % level 1.
    const cums = deductions(notionalTiers([{ floor: 0, mmr: 0.004 }, { floor: 50_000, mmr: 0.005 }, { floor: input(faq, 'level_n_floor'), mmr: input(faq, 'mmr_n') }]));
    expect(cums[1]).toBeCloseTo(input(faq, 'cum_n_minus_1'), 9);
    expect(cums[2]).toBeCloseTo(Number(faq.expected['cum_n']), 9);
    const real = byCase('binance', 'Bracket cum recursion checked on real BTCUSDT');
    const t = real.inputs as Record<string, Record<string, string>>;
    const brackets = notionalTiers([{ floor: 0, mmr: 0.004 }, ...['tier2', 'tier3', 'tier4'].map((k) => ({ floor: num(t[k]?.['floor']), mmr: num(t[k]?.['mmr']) }))]);
    const realCums = deductions(brackets);
    expect(realCums[1]).toBeCloseTo(num(t['tier2']?.['cum']), 9);
    expect(realCums[2]).toBeCloseTo(Number(real.expected['tier3_cum']), 9);
    expect(realCums[3]).toBeCloseTo(Number(real.expected['tier4_cum']), 9);
  });
});

describe('Bybit figures against the help-centre vectors', () => {
  it('UTA isolated liquidation price: the official example (36,380.25) and Example 1 through the UTA form', () => {
    const official = byCase('bybit', 'UTA isolated USDT perp LONG with extra margin');
    const example1 = byCase('bybit', 'Example 1 inputs');
    for (const [v, key] of [[official, 'liquidation_price'], [example1, 'liquidation_price_uta']] as const) {
      const lp = utaIsolatedLiquidationPrice({
        side: sideOf(v), size: input(v, 'size'), ep: input(v, 'EP'), leverage: input(v, 'leverage'), extra: input(v, 'extra_margin'),
        mmr: input(v, 'MMR'), ded: input(v, 'mm_deduction'), fee: input(v, 'taker_fee_rate'),
      });
      expectStated(v, key, lp);
    }
  });

  it('mmDeduction by the recursion: live BTCUSDT tiers give 510', () => {
    const v = byCase('bybit', 'Risk-limit mmDeduction consistency (live BTCUSDT');
    const t = v.inputs as Record<string, Record<string, string>>;
    const tiers = notionalTiers([
      { floor: 0, mmr: num(t['tier1']?.['maintenanceMargin']) },
      { floor: num(t['tier1']?.['riskLimitValue']), mmr: num(t['tier2']?.['maintenanceMargin']) },
    ]);
    expect(deductions(tiers)[1]).toBeCloseTo(Number(v.expected['tier2_mmDeduction']), 9);
  });
});

describe('OKX figures against the freqtrade vectors', () => {
  it('isolated liquidation price with the taker fee as liquidation fee (five rows, long and short)', () => {
    const rows = vectors.filter((v) => v.exchange === 'okx' && v.inputs['formula'] === 'okx_iso_linear');
    expect(rows.length).toBe(5);
    for (const v of rows) {
      const lp = isolatedLiquidationPrice({
        side: sideOf(v), q: input(v, 'position'), ep: input(v, 'EP'), margin: input(v, 'margin'), mmr: input(v, 'MMR'), fee: input(v, 'taker_fee_rate'),
      });
      expectStated(v, 'liquidation_price', lp);
    }
  });
});

describe('Hyperliquid figures against the docs, live and derived vectors', () => {
  it('isolated liquidation price: the docs example and five live positions (exchange value and formula value)', () => {
    const rows = vectors.filter((v) => v.exchange === 'hyperliquid' && v.inputs['formula'] === 'hl_liq');
    expect(rows.length).toBe(6);
    for (const v of rows) {
      const size = input(v, v.inputs['szi'] !== undefined ? 'szi' : 'size');
      const price = v.inputs['price'] !== undefined ? input(v, 'price') : input(v, 'positionValue') / size;
      const tier = maintenanceTiers([{ lowerBound: 0, maxLeverage: input(v, 'maxLeverage') }])[0];
      const mm = size * price * (tier?.rate ?? 0);
      const lp = liquidationPx(price, sideOf(v), input(v, 'isolated_margin') - mm, size, tier?.rate ?? 0);
      expectStated(v, 'liquidationPx', lp);
      // The formula value is stated to ~1e-8: check it tighter than the exchange's.
      const formula = Number(v.expected['computed_by_formula'] ?? v.expected['computed']);
      expect(Math.abs(lp - formula) / formula, v.case).toBeLessThanOrEqual(1e-8);
    }
  });

  it('cross liquidation price, other positions frozen (vector #61) and cross maintenance (live, 4,720.8375)', () => {
    const v = byCase('hyperliquid', 'Cross LONG, other cross positions frozen');
    const rate = maintenanceTiers([{ lowerBound: 0, maxLeverage: input(v, 'maxLeverage') }])[0]?.rate ?? 0;
    const lp = liquidationPx(input(v, 'markPx'), sideOf(v), input(v, 'accountValue') - input(v, 'crossMaintenanceMarginUsed'), input(v, 'szi'), rate);
    expectStated(v, 'liquidationPx', lp);
    const live = byCase('hyperliquid', 'Cross maintenance margin = notional');
    const liveRate = maintenanceTiers([{ lowerBound: 0, maxLeverage: input(live, 'maxLeverage') }])[0]?.rate ?? 0;
    expect(input(live, 'positionValue') * liveRate).toBeCloseTo(Number(live.expected['crossMaintenanceMarginUsed']), 9);
  });

  it('margin-tier deduction: BTC "tiered 40x" gives 1,875,000 at 150M', () => {
    const v = byCase('hyperliquid', 'Margin-tier maintenance deduction');
    const t = v.inputs as Record<string, Record<string, string>>;
    const tiers = maintenanceTiers(['tier1', 'tier2'].map((k) => ({ lowerBound: num(t[k]?.['lowerBound']), maxLeverage: num(t[k]?.['maxLeverage']) })));
    expect(tiers[0]?.rate).toBeCloseTo(num(t['tier1']?.['mmr']), 12);
    expect(tiers[1]?.deduction).toBeCloseTo(Number(v.expected['tier2_maintenance_deduction']), 6);
  });
});
