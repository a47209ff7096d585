import { evaluateAccount } from '../../shared/engine/margin/evaluate-account.ts';
import type { Reduction } from '../../shared/engine/margin/suggested-actions.ts';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import { accountOf, type AccountState, type MissingPiece } from '../../shared/engine/positions/account-state.ts';
import type { FeedHealth } from '../../shared/engine/positions/feed-notices.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';

/**
 * What the demo page shows for one venue, as plain JSON: the feed's health and, once the account is
 * complete, the engine's figures. Numbers that are not finite (rho past liquidation) become null with
 * the tier saying why, so JSON never carries NaN or Infinity.
 */
export type TierName = 'safe' | 'watch' | 'margin call' | 'critical' | 'liquidation';

export interface PositionRow {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly marginMode: 'cross' | 'isolated';
  readonly qty: number;
  readonly entryPrice: number;
  readonly markPrice: number;
  readonly notional: number;
  readonly unrealisedPnl: number;
  readonly riskRatio: number | null;
  readonly tier: TierName;
  readonly liquidationPrice: number | null;
  /** The venue's own liquidation estimate, for comparison (null when it sends none). */
  readonly venueLiquidationPrice: number | null;
  /** Mark price at which rho reaches each level, keyed "0.5", "0.8", "0.9", "1". */
  readonly tierPrices: Readonly<Record<string, number | null>>;
  readonly topUp: number;
  /** Quantity to close to get back to the target, null when none is needed or none can reach it. */
  readonly reduceQty: number | null;
  readonly reductionNote: string;
}

export interface VenueView {
  readonly venue: VenueId;
  readonly connections: FeedHealth['connections'];
  readonly stale: readonly string[];
  readonly counters: FeedHealth['counters'];
  /** What the account still lacks (empty once complete). */
  readonly missing: readonly string[];
  readonly account: {
    readonly walletBalance: number;
    readonly equity: number;
    readonly maintenanceMargin: number;
    readonly riskRatio: number | null;
    readonly worstRiskRatio: number | null;
    readonly tier: TierName;
    readonly venueRatio: { readonly name: string; readonly value: number | null };
    readonly target: number;
  } | null;
  readonly positions: readonly PositionRow[];
  readonly lastMarginCall: string | null;
}

export const tierOf = (rho: number): TierName =>
  rho >= 1 ? 'liquidation' : rho >= 0.9 ? 'critical' : rho >= 0.8 ? 'margin call' : rho >= 0.5 ? 'watch' : 'safe';

const finite = (n: number | null | undefined): number | null => (n === null || n === undefined || !Number.isFinite(n) ? null : n);

const missingText = (m: MissingPiece): string => ('symbol' in m ? `${m.what} ${m.symbol}` : m.what);

function reductionParts(r: Reduction): { reduceQty: number | null; reductionNote: string } {
  switch (r.kind) {
    case 'none-needed':
      return { reduceQty: null, reductionNote: '' };
    case 'reduce':
      return { reduceQty: r.qty, reductionNote: r.closesPosition ? 'close the position' : `fee ≈ ${r.feeUsdt.toFixed(2)}` };
    default:
      return { reduceQty: null, reductionNote: r.reason };
  }
}

export function venueView(state: AccountState, health: FeedHealth, options: { readonly takerFeeRate: number }): VenueView {
  const base = {
    venue: state.venue,
    connections: health.connections,
    stale: health.stale,
    counters: health.counters,
    lastMarginCall: state.lastMarginCall === null ? null : state.lastMarginCall.positions.map((p) => p.symbol).join(', '),
  };
  const view = accountOf(state, options);
  if (!view.ok) return { ...base, missing: view.missing.map(missingText), account: null, positions: [] };
  const risk = evaluateAccount(view.account, marginModels[state.venue]);
  const venueLiq = new Map([...state.positions.values()].map((p) => [`${p.symbol}:${p.side}`, p.venueLiquidationPrice]));
  const positions = risk.positions.map((p): PositionRow => ({
    symbol: p.symbol,
    side: p.side,
    marginMode: p.marginMode,
    qty: p.qty,
    entryPrice: view.account.positions.find((q) => q.symbol === p.symbol && q.side === p.side)?.entryPrice ?? p.markPrice,
    markPrice: p.markPrice,
    notional: p.notional,
    unrealisedPnl: p.unrealisedPnl,
    riskRatio: finite(p.riskRatio),
    tier: tierOf(p.riskRatio),
    liquidationPrice: finite(p.liquidationPrice),
    venueLiquidationPrice: finite(venueLiq.get(`${p.symbol}:${p.side}`)),
    tierPrices: Object.fromEntries(Object.entries(p.tierPrices).map(([k, v]) => [k, finite(v)])),
    topUp: p.topUp,
    ...reductionParts(p.reduction),
  }));
  return {
    ...base,
    missing: [],
    account: {
      walletBalance: view.account.walletBalance,
      equity: risk.equity,
      maintenanceMargin: risk.maintenanceMargin,
      riskRatio: finite(risk.riskRatio),
      worstRiskRatio: finite(risk.worstRiskRatio),
      tier: tierOf(risk.worstRiskRatio),
      venueRatio: { name: risk.venueRatio.name, value: finite(risk.venueRatio.value) },
      target: risk.target,
    },
    positions,
  };
}

/** One line per refresh for a terminal: each venue's worst rho and tier, and what is wrong with the data. */
export function summaryLine(views: readonly VenueView[]): string {
  return views
    .map((v) => {
      if (v.account === null) return `${v.venue}: waiting (${v.missing.join(', ') || 'connecting'})`;
      const rho = v.account.worstRiskRatio === null ? '∞' : v.account.worstRiskRatio.toFixed(3);
      const stale = v.stale.length > 0 ? ` stale ${v.stale.join(',')}` : '';
      return `${v.venue} ρ ${rho} ${v.account.tier}${stale}`;
    })
    .join(' | ');
}
