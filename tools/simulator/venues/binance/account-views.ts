import type { AccountChange } from '../../accounts/account-book.ts';
import type { AccountFigures, PositionFigures } from '../../accounts/account-figures.ts';
import type { AccountBook } from '../../accounts/account-book.ts';
import { COIN_LISTINGS } from '../../market/coins.ts';
import { fixed } from '../../market/decimal-text.ts';
import { BINANCE_BRACKETS } from '../../accounts/tier-tables.ts';

/**
 * Binance's views of the demo account (one-way mode, USDT single-asset): REST positionRisk and
 * account (v2 and v3 field sets) and the user-data events ACCOUNT_UPDATE and MARGIN_CALL, shaped
 * like shared/exchanges/binance/fixtures/binance-ws-ACCOUNT_UPDATE.json and binance-ws-MARGIN_CALL.json. Every figure comes
 * from the book's figures (venues/binance/figures.ts), so REST and stream agree.
 */
const usd = (n: number): string => fixed(n, 8);
const amt = (f: PositionFigures): string => fixed(f.signedQty, f.listing.qtyDecimals);
const liq = (f: PositionFigures): string => fixed(f.liquidationPrice ?? 0, 8);
const isIsolated = (f: PositionFigures): boolean => f.position.marginMode === 'isolated';
const maxNotional = (f: PositionFigures): string => {
  const bracket = BINANCE_BRACKETS[f.position.coin].find((b) => b.maxLeverage >= f.position.leverage && b.cap > f.notional);
  return String(bracket?.cap ?? 0);
};

export function positionRiskV3(book: AccountBook, t: number): Record<string, unknown>[] {
  return book.figures(t).positions.map((f) => ({
    symbol: f.listing.binance,
    positionSide: 'BOTH',
    positionAmt: amt(f),
    entryPrice: usd(f.position.entryPrice),
    breakEvenPrice: usd(f.position.entryPrice),
    markPrice: usd(f.mark),
    unRealizedProfit: usd(f.unrealisedPnl),
    liquidationPrice: liq(f),
    isolatedMargin: usd(f.isolatedEquity),
    notional: usd(f.signedQty * f.mark),
    marginAsset: 'USDT',
    isolatedWallet: usd(isIsolated(f) ? f.position.isolatedMargin : 0),
    initialMargin: usd(f.initialMargin),
    maintMargin: usd(f.maintenanceMargin),
    positionInitialMargin: usd(f.initialMargin),
    openOrderInitialMargin: '0',
    adl: 1,
    bidNotional: '0',
    askNotional: '0',
    updateTime: f.position.updatedMs,
  }));
}

export function positionRiskV2(book: AccountBook, t: number): Record<string, unknown>[] {
  return book.figures(t).positions.map((f) => ({
    symbol: f.listing.binance,
    positionAmt: amt(f),
    entryPrice: usd(f.position.entryPrice),
    breakEvenPrice: usd(f.position.entryPrice),
    markPrice: usd(f.mark),
    unRealizedProfit: usd(f.unrealisedPnl),
    liquidationPrice: liq(f),
    leverage: String(f.position.leverage),
    maxNotionalValue: maxNotional(f),
    marginType: isIsolated(f) ? 'isolated' : 'cross',
    isolatedMargin: usd(f.isolatedEquity),
    isAutoAddMargin: 'false',
    positionSide: 'BOTH',
    notional: usd(f.signedQty * f.mark),
    isolatedWallet: usd(isIsolated(f) ? f.position.isolatedMargin : 0),
    updateTime: f.position.updatedMs,
  }));
}

function accountTotals(a: AccountFigures): Record<string, string> {
  const available = Math.max(0, a.crossEquity - a.crossInitial);
  return {
    totalInitialMargin: usd(a.totalInitial),
    totalMaintMargin: usd(a.totalMaintenance),
    totalWalletBalance: usd(a.totalWallet),
    totalUnrealizedProfit: usd(a.totalUnrealisedPnl),
    totalMarginBalance: usd(a.totalWallet + a.totalUnrealisedPnl),
    totalPositionInitialMargin: usd(a.totalInitial),
    totalOpenOrderInitialMargin: usd(0),
    totalCrossWalletBalance: usd(a.crossWallet),
    totalCrossUnPnl: usd(a.crossUnrealisedPnl),
    availableBalance: usd(available),
    maxWithdrawAmount: usd(available),
  };
}

/** `GET /fapi/v3/account` (v2 when `version` is 2: adds account flags, leverage and entry per position). */
export function accountInfo(book: AccountBook, t: number, version: 2 | 3): Record<string, unknown> {
  const a = book.figures(t);
  const totals = accountTotals(a);
  const asset = {
    asset: 'USDT',
    walletBalance: totals['totalWalletBalance'],
    unrealizedProfit: totals['totalUnrealizedProfit'],
    marginBalance: totals['totalMarginBalance'],
    maintMargin: totals['totalMaintMargin'],
    initialMargin: totals['totalInitialMargin'],
    positionInitialMargin: totals['totalPositionInitialMargin'],
    openOrderInitialMargin: totals['totalOpenOrderInitialMargin'],
    crossWalletBalance: totals['totalCrossWalletBalance'],
    crossUnPnl: totals['totalCrossUnPnl'],
    availableBalance: totals['availableBalance'],
    maxWithdrawAmount: totals['maxWithdrawAmount'],
    ...(version === 2 ? { marginAvailable: true } : {}),
    updateTime: book.updatedMs,
  };
  const positions = a.positions.map((f) => ({
    symbol: f.listing.binance,
    positionSide: 'BOTH',
    positionAmt: amt(f),
    unrealizedProfit: usd(f.unrealisedPnl),
    isolatedMargin: usd(f.isolatedEquity),
    notional: usd(f.signedQty * f.mark),
    isolatedWallet: usd(isIsolated(f) ? f.position.isolatedMargin : 0),
    initialMargin: usd(f.initialMargin),
    maintMargin: usd(f.maintenanceMargin),
    ...(version === 2
      ? { leverage: String(f.position.leverage), isolated: isIsolated(f), entryPrice: usd(f.position.entryPrice), maxNotional: maxNotional(f), bidNotional: '0', askNotional: '0' }
      : {}),
    updateTime: f.position.updatedMs,
  }));
  const flags = version === 2
    ? { feeTier: 0, feeBurn: false, canTrade: true, canDeposit: true, canWithdraw: true, updateTime: 0, multiAssetsMargin: false, tradeGroupId: -1 }
    : {};
  return { ...flags, ...totals, assets: [asset], positions };
}

function accountPositionEntry(f: PositionFigures): Record<string, string> {
  return {
    s: f.listing.binance,
    pa: amt(f),
    ep: usd(f.position.entryPrice),
    bep: usd(f.position.entryPrice),
    cr: '0',
    up: usd(f.unrealisedPnl),
    mt: isIsolated(f) ? 'isolated' : 'cross',
    iw: usd(isIsolated(f) ? f.position.isolatedMargin : 0),
    ps: 'BOTH',
  };
}

/** The user-data event for an account change (null when Binance would send none). */
export function userDataEvent(book: AccountBook, change: AccountChange): Record<string, unknown> | null {
  const a = book.figures(change.time);
  const balances = [{ a: 'USDT', wb: usd(a.totalWallet), cw: usd(a.crossWallet), bc: '0' }];
  switch (change.kind) {
    case 'funding':
      // Funding on cross positions carries only B; an isolated position's wallet moved, so it is listed.
      return {
        e: 'ACCOUNT_UPDATE',
        E: change.time,
        T: change.time,
        a: { m: 'FUNDING_FEE', B: balances, P: a.positions.filter(isIsolated).map(accountPositionEntry) },
      };
    case 'liquidation':
      return {
        e: 'ACCOUNT_UPDATE',
        E: change.time,
        T: change.time,
        a: {
          m: 'ORDER',
          B: balances,
          P: change.closed.map((p) => ({ s: COIN_LISTINGS[p.coin].binance, pa: '0', ep: '0.00000', bep: '0', cr: '0', up: '0', mt: p.marginMode, iw: '0', ps: 'BOTH' })),
        },
      };
    case 'margin-call':
      return {
        e: 'MARGIN_CALL',
        E: change.time,
        cw: usd(a.crossWallet),
        p: a.positions.map((f) => ({
          s: f.listing.binance,
          ps: 'BOTH',
          pa: amt(f),
          mt: isIsolated(f) ? 'ISOLATED' : 'CROSSED',
          iw: usd(isIsolated(f) ? f.position.isolatedMargin : 0),
          mp: usd(f.mark),
          up: usd(f.unrealisedPnl),
          mm: usd(f.maintenanceMargin),
        })),
      };
  }
}
