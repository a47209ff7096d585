import { ratio, usdt, type Ratio, type Usdt } from '../../units/units.ts';
import type { MaintenanceTier, TierTable } from '../positions/account.ts';

/**
 * Tier lookup and the deduction recursion shared by Binance (`cum`), Bybit (`mmDeduction`) and
 * Hyperliquid (`maintenance_deduction`):
 *   deduction_1 = 0,  deduction_n = deduction_{n-1} + floor_n x (mmr_n - mmr_{n-1})
 * which makes notional x mmr - deduction continuous in notional (each slice of notional is charged
 * its own tier's rate). Checked against Binance FAQ "Maintenance Amount on Level 3 = 250,000 x
 * (1% - 0.5%) + 50 = 1,300" (vector #15), real BTCUSDT brackets (#16), live Bybit tiers (#32, #33)
 * and Hyperliquid's BTC table (#47). See docs/margin-math.md §1.
 */

/** Raw tier as a venue or a user states it; a missing deduction is derived by the recursion. */
export interface TierInput {
  readonly floor: number;
  readonly cap?: number;
  readonly mmr: number;
  readonly deduction?: number;
}

export function buildTierTable(rows: readonly TierInput[], basis: TierTable['basis'] = 'notional'): TierTable {
  const sorted = [...rows].sort((a, b) => a.floor - b.floor);
  const tiers: MaintenanceTier[] = [];
  sorted.forEach((row, i) => {
    const prev = tiers[i - 1];
    const next = sorted[i + 1];
    const derived = prev === undefined ? 0 : prev.deduction + row.floor * (row.mmr - prev.mmr);
    tiers.push({
      floor: row.floor,
      cap: row.cap ?? next?.floor ?? Number.POSITIVE_INFINITY,
      mmr: ratio(row.mmr),
      deduction: usdt(row.deduction ?? derived),
    });
  });
  return { basis, tiers };
}

/** A one-tier table: a flat maintenance rate. */
export const flatTierTable = (mmr: number): TierTable => buildTierTable([{ floor: 0, mmr }]);

/**
 * The tier whose range holds `size` (notional or qty, per the table's basis). A size past the last
 * cap stays in the last tier: the venue would refuse to grow it, but an existing one is charged so.
 */
export function tierFor(table: TierTable, size: number): MaintenanceTier {
  const { tiers } = table;
  let found = tiers[0];
  for (const t of tiers) {
    if (size >= t.floor) found = t;
    else break;
  }
  if (found === undefined) throw new Error('empty tier table');
  return found;
}

/** Maintenance margin by the continuous (deduction) rule: notional x mmr(tier) - deduction(tier). */
export function continuousMaintenance(table: TierTable, notional: number, qtyBase: number): Usdt {
  const t = tierFor(table, table.basis === 'qty' ? qtyBase : notional);
  return usdt(notional * t.mmr - t.deduction);
}

/** Maintenance rate of the tier that holds this position, without deduction (OKX charges it whole). */
export function tierRate(table: TierTable, notional: number, qtyBase: number): Ratio {
  return tierFor(table, table.basis === 'qty' ? qtyBase : notional).mmr;
}

/**
 * Mark prices at which a position of `qtyBase` changes tier: floor / qty for each notional bound.
 * A qty-based table never changes tier as the price moves.
 */
export function tierBoundaryPrices(table: TierTable, qtyBase: number): number[] {
  if (table.basis === 'qty' || qtyBase <= 0) return [];
  return table.tiers.filter((t) => t.floor > 0).map((t) => t.floor / qtyBase);
}
