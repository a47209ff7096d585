import type { AccountBook } from '../../accounts/account-book.ts';
import type { PositionFigures } from '../../accounts/account-figures.ts';
import { BYBIT_RISK_LIMITS } from '../../accounts/tier-tables.ts';
import { fixed } from '../../market/decimal-text.ts';
import type { SimPosition } from '../../accounts/sim-position.ts';
import { COIN_LISTINGS } from '../../market/coins.ts';

/**
 * Bybit v5 (UTA, REGULAR_MARGIN: account-wide cross) views: the `position` topic entry
 * (shared/exchanges/bybit/fixtures/bybit-ws-position.json; REST `/v5/position/list` says `avgPrice` where the stream says
 * `entryPrice`) and the `wallet` object (shared/exchanges/bybit/fixtures/bybit-ws-wallet.json, REST wallet-balance list row).
 */
const usd = (n: number): string => fixed(n, 8);

function riskTier(f: PositionFigures): { id: number; cap: number } {
  const tiers = BYBIT_RISK_LIMITS[f.position.coin];
  const value = f.position.qty * f.position.entryPrice;
  const i = Math.max(0, tiers.findIndex((t) => value < t.cap));
  return { id: i + 1, cap: tiers[i]?.cap ?? 0 };
}

export function positionEntry(f: PositionFigures, seq: number, rest: boolean): Record<string, unknown> {
  const p = f.position;
  const d = f.listing.priceDecimals;
  const tier = riskTier(f);
  const positionValue = p.qty * p.entryPrice;
  return {
    positionIdx: 0,
    tradeMode: 0,
    riskId: tier.id,
    riskLimitValue: String(tier.cap),
    symbol: f.listing.bybit,
    side: p.side === 'long' ? 'Buy' : 'Sell',
    size: fixed(p.qty, f.listing.qtyDecimals),
    [rest ? 'avgPrice' : 'entryPrice']: fixed(p.entryPrice, d),
    leverage: String(p.leverage),
    breakEvenPrice: fixed(p.entryPrice, d),
    positionValue: usd(positionValue),
    positionBalance: '0',
    markPrice: fixed(f.mark, d),
    positionIM: usd(positionValue / p.leverage),
    positionIMByMp: usd(f.initialMargin),
    positionMM: usd(f.maintenanceMargin),
    positionMMByMp: usd(f.maintenanceMargin),
    takeProfit: '0',
    stopLoss: '0',
    trailingStop: '0',
    unrealisedPnl: usd(f.unrealisedPnl),
    curRealisedPnl: usd(-p.fundingPaid),
    cumRealisedPnl: usd(-p.fundingPaid),
    sessionAvgPrice: '',
    createdTime: String(p.openedMs),
    updatedTime: String(p.updatedMs),
    tpslMode: 'Full',
    liqPrice: f.liquidationPrice === null ? '' : fixed(f.liquidationPrice, d),
    bustPrice: '',
    category: 'linear',
    positionStatus: 'Normal',
    adlRankIndicator: 2,
    autoAddMargin: 0,
    leverageSysUpdatedTime: '',
    mmrSysUpdatedTime: '',
    seq,
    isReduceOnly: false,
  };
}

/** A closed position as the stream reports it: size "0", side "". */
export function closedPositionEntry(p: SimPosition, time: number, seq: number): Record<string, unknown> {
  const l = COIN_LISTINGS[p.coin];
  return {
    positionIdx: 0, tradeMode: 0, riskId: 1, riskLimitValue: String(BYBIT_RISK_LIMITS[p.coin][0]?.cap ?? 0),
    symbol: l.bybit, side: '', size: '0', entryPrice: '0', leverage: String(p.leverage), breakEvenPrice: '0',
    positionValue: '0', positionBalance: '0', markPrice: '0', positionIM: '0', positionIMByMp: '0', positionMM: '0',
    positionMMByMp: '0', takeProfit: '0', stopLoss: '0', trailingStop: '0', unrealisedPnl: '0', curRealisedPnl: '0',
    cumRealisedPnl: usd(-p.fundingPaid), sessionAvgPrice: '0', createdTime: String(p.openedMs), updatedTime: String(time),
    tpslMode: 'Full', liqPrice: '', bustPrice: '', category: 'linear', positionStatus: 'Normal', adlRankIndicator: 0,
    autoAddMargin: 0, leverageSysUpdatedTime: '', mmrSysUpdatedTime: '', seq, isReduceOnly: false,
  };
}

export function positionList(book: AccountBook, t: number, seq: number, rest: boolean): Record<string, unknown>[] {
  return book.figures(t).positions.map((f) => positionEntry(f, seq, rest));
}

export function walletEntry(book: AccountBook, t: number): Record<string, unknown> {
  const a = book.figures(t);
  const marginBalance = a.crossWallet + a.crossUnrealisedPnl;
  const rate = (n: number): string => (marginBalance > 0 ? fixed(n / marginBalance, 4) : '0');
  const available = Math.max(0, marginBalance - a.totalInitial);
  return {
    accountIMRate: rate(a.totalInitial),
    accountIMRateByMp: rate(a.totalInitial),
    accountMMRate: rate(a.totalMaintenance),
    accountMMRateByMp: rate(a.totalMaintenance),
    totalEquity: usd(marginBalance),
    totalWalletBalance: usd(a.crossWallet),
    totalMarginBalance: usd(marginBalance),
    totalAvailableBalance: usd(available),
    totalPerpUPL: usd(a.crossUnrealisedPnl),
    totalInitialMargin: usd(a.totalInitial),
    totalInitialMarginByMp: usd(a.totalInitial),
    totalMaintenanceMargin: usd(a.totalMaintenance),
    totalMaintenanceMarginByMp: usd(a.totalMaintenance),
    coin: [
      {
        coin: 'USDT',
        equity: usd(marginBalance),
        usdValue: usd(marginBalance),
        walletBalance: usd(a.crossWallet),
        availableToWithdraw: usd(available),
        availableToBorrow: '',
        borrowAmount: '0',
        accruedInterest: '0',
        totalOrderIM: '0',
        totalPositionIM: usd(a.totalInitial),
        totalPositionMM: usd(a.totalMaintenance),
        unrealisedPnl: usd(a.crossUnrealisedPnl),
        cumRealisedPnl: usd(-book.positions.reduce((s, p) => s + p.fundingPaid, 0)),
        bonus: '0',
        collateralSwitch: true,
        marginCollateral: true,
        locked: '0',
        spotHedgingQty: '0',
        spotBorrow: '0',
      },
    ],
    accountLTV: '0',
    accountType: 'UNIFIED',
  };
}
