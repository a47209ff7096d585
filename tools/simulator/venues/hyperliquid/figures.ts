import { HL_MARGIN_TABLES } from '../../accounts/tier-tables.ts';
import type { SimPosition } from '../../accounts/sim-position.ts';
import { pnl, positivePrice, priceAtItsTier, rho, sign, type VenueFormulas } from '../../accounts/venue-figures.ts';

/**
 * Hyperliquid perp figures, written from Hyperliquid's documents, not from the engine (read through
 * shared/design/margin-math.md §5.1, 2026-11-24).
 *
 * - "Margin tiers" (https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers): maintenance
 *   margin is half the initial margin at the tier's max leverage, rate l = 1 / (2 x maxLeverage), and
 *   maintenance_margin = notional x l - maintenance_deduction, deduction_1 = 0,
 *   deduction_n = deduction_{n-1} + lowerBound_n x (l_n - l_{n-1}); a tier holds notional >= lowerBound.
 * - "Liquidations": liquidated "when the account equity drops below maintenance margin": cross compares
 *   account value (wallet + cross uPnL) with crossMaintenanceMarginUsed, isolated its margin plus uPnL
 *   with its own maintenance. Its liquidation price
 *     liq_price = price - side x margin_available / position_size / (1 - l x side)
 *   margin_available = account_value - maintenance_margin_required (cross) or
 *   isolated_margin - maintenance_margin_required (isolated), with "the margin tier corresponding to the
 *   position value at the liquidation price": the tier's line is read at the mark, and the tier is
 *   re-picked at the answer.
 */
const rateOf = (maxLeverage: number): number => 1 / (2 * maxLeverage);

export interface HlTier {
  readonly lowerBound: number;
  readonly rate: number;
  readonly deduction: number;
}

/** A `meta` margin table's tiers with their maintenance rate and deduction. */
export function maintenanceTiers(marginTiers: readonly { readonly lowerBound: number; readonly maxLeverage: number }[]): HlTier[] {
  const out: HlTier[] = [];
  marginTiers.forEach((t, i) => {
    const prev = out[i - 1];
    const rate = rateOf(t.maxLeverage);
    out.push({ lowerBound: t.lowerBound, rate, deduction: prev === undefined ? 0 : prev.deduction + t.lowerBound * (rate - prev.rate) });
  });
  return out;
}

const tiersOf = (p: SimPosition): HlTier[] => maintenanceTiers(HL_MARGIN_TABLES[p.coin].marginTiers);

/** The docs' liq_price = price - side x margin_available / position_size / (1 - l x side). */
export const liquidationPx = (price: number, side: 1 | -1, marginAvailable: number, size: number, l: number): number =>
  price - (side * marginAvailable) / size / (1 - l * side);

const tierAt = (tiers: readonly HlTier[], notional: number): number => {
  let found = 0;
  tiers.forEach((t, i) => {
    if (notional >= t.lowerBound) found = i;
  });
  return found;
};

/** Maintenance of the position at `mark` on tier `i`'s line (its own tier's when `i` is omitted). */
function maintenance(p: SimPosition, mark: number, i?: number): number {
  const tiers = tiersOf(p);
  const t = tiers[i ?? tierAt(tiers, p.qty * mark)];
  return t === undefined ? 0 : p.qty * mark * t.rate - t.deduction;
}

/** The docs' formula; `marginWithout` is account value less the other positions' maintenance (or the isolated margin). */
function liquidationPrice(p: SimPosition, mark: number, marginWithout: number): number | null {
  const tiers = tiersOf(p);
  const side = sign(p);
  const withTier = (i: number): number => {
    return liquidationPx(mark, side, marginWithout - maintenance(p, mark, i), p.qty, tiers[i]?.rate ?? 0);
  };
  return positivePrice(priceAtItsTier(tierAt(tiers, p.qty * mark), withTier, (price) => tierAt(tiers, p.qty * price), tiers.length));
}

export const hyperliquidFigures: VenueFormulas = ({ crossWallet, positions }) => {
  const mm = positions.map((h) => maintenance(h.position, h.mark));
  const isCross = (i: number): boolean => positions[i]?.position.marginMode === 'cross';
  let accountValue = crossWallet;
  let crossMaintenance = 0;
  positions.forEach((h, i) => {
    if (!isCross(i)) return;
    accountValue += pnl(h.position, h.mark);
    crossMaintenance += mm[i] ?? 0;
  });
  const crossRiskRatio = rho(crossMaintenance, accountValue);
  return {
    crossEquity: accountValue,
    crossRequirement: crossMaintenance,
    crossRiskRatio,
    positions: positions.map(({ position: p, mark }, i) => {
      const own = mm[i] ?? 0;
      if (p.marginMode === 'isolated') {
        const isolatedMargin = p.isolatedMargin + pnl(p, mark);
        return { maintenanceMargin: own, requirement: own, riskRatio: rho(own, isolatedMargin), liquidationPrice: liquidationPrice(p, mark, isolatedMargin) };
      }
      let others = 0;
      positions.forEach((_, j) => {
        if (j !== i && isCross(j)) others += mm[j] ?? 0;
      });
      return { maintenanceMargin: own, requirement: own, riskRatio: crossRiskRatio, liquidationPrice: liquidationPrice(p, mark, accountValue - others) };
    }),
  };
};
