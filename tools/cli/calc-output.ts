import type { AccountFigures } from '../../shared/engine/margin/evaluate-account.ts';

/**
 * The JSON `calc` prints (README "The calc command"). A ratio past liquidation (equity <= 0) is
 * Infinity in the engine and prints as null with `liquidated: true`.
 */
export function calcOutput(risk: AccountFigures) {
  return {
    exchange: risk.exchange,
    account: {
      equity: risk.equity,
      maintenanceMargin: risk.maintenanceMargin,
      riskRatio: risk.riskRatio,
      worstRiskRatio: risk.worstRiskRatio,
      venueRatio: risk.venueRatio,
      liquidated: !Number.isFinite(risk.worstRiskRatio),
      target: risk.target,
    },
    positions: risk.positions.map((p) => ({
      symbol: p.symbol,
      side: p.side,
      marginMode: p.marginMode,
      qty: p.qty,
      markPrice: p.markPrice,
      notional: p.notional,
      unrealisedPnl: p.unrealisedPnl,
      maintenanceMargin: p.maintenanceMargin,
      riskRatio: p.riskRatio,
      liquidationPrice: p.liquidationPrice,
      tierPrices: p.tierPrices,
      tierDistances: p.tierDistances,
      topUp: p.topUp,
      reduceQty: p.reduction.kind === 'reduce' ? p.reduction.qty : p.reduction.kind === 'none-needed' ? 0 : null,
      reduceFee: p.reduction.kind === 'reduce' ? p.reduction.feeUsdt : 0,
      reduceClosesPosition: p.reduction.kind === 'reduce' && p.reduction.closesPosition,
      ...(p.reduction.kind === 'unreachable' ? { reduceNote: p.reduction.reason } : {}),
    })),
  };
}
