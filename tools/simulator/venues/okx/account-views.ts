import type { AccountBook } from '../../accounts/account-book.ts';
import type { SimPosition } from '../../accounts/sim-position.ts';
import type { AccountFigures, PositionFigures } from '../../accounts/account-figures.ts';
import { COIN_LISTINGS } from '../../market/coins.ts';
import { fixed } from '../../market/decimal-text.ts';

/**
 * OKX v5 views of the demo account (single-currency margin, net mode, USDT swaps): the position
 * object of REST `/api/v5/account/positions` and the `positions` channel (shared/exchanges/okx/fixtures/okx-ws-positions.json),
 * the balance of `/api/v5/account/balance` and the `account` channel, and the `balance_and_position`
 * push (shared/exchanges/okx/fixtures/okx-ws-balance_and_position.verbatim.txt). `pos` counts contracts (qty / ctVal);
 * `mgnRatio` = equity / (maintenance + liquidation fee) = 1 / rho; `mmr` is the maintenance margin
 * without the fee.
 */
const usd = (n: number): string => fixed(n, 8);
const ratioText = (rho: number): string => (rho > 0 && Number.isFinite(rho) ? fixed(1 / rho, 8) : '');

export function positionRow(f: PositionFigures, a: AccountFigures, pTime: number): Record<string, unknown> {
  const p = f.position;
  const contracts = fixed(f.signedQty / f.listing.okxCtVal, 2).replace(/\.?0+$/, '');
  const isolated = p.marginMode === 'isolated';
  return {
    adl: '1', availPos: '', avgPx: fixed(p.entryPrice, f.listing.priceDecimals), bePx: fixed(p.entryPrice, f.listing.priceDecimals),
    cTime: String(p.openedMs), ccy: 'USDT', deltaBS: '', deltaPA: '', gammaBS: '', gammaPA: '', hedgedPos: '',
    imr: isolated ? '' : usd(f.initialMargin), instId: f.listing.okx, instType: 'SWAP', interest: '',
    idxPx: fixed(f.mark * (1 - 0.0002), f.listing.priceDecimals), last: fixed(f.mark, f.listing.priceDecimals), lever: String(p.leverage),
    liab: '', liabCcy: '', liqPx: f.liquidationPrice === null ? '' : fixed(f.liquidationPrice, f.listing.priceDecimals),
    markPx: fixed(f.mark, f.listing.priceDecimals), margin: isolated ? usd(p.isolatedMargin) : '', mgnMode: p.marginMode,
    mgnRatio: ratioText(isolated ? f.riskRatio : a.crossRiskRatio), mmr: usd(f.maintenanceMargin), notionalUsd: usd(f.notional),
    optVal: '', pTime: String(pTime), pendingCloseOrdLiabVal: '', pos: contracts, baseBorrowed: '', baseInterest: '',
    quoteBorrowed: '', quoteInterest: '', posCcy: '', posId: posId(p), posSide: 'net', spotInUseAmt: '', clSpotInUseAmt: '',
    maxSpotInUseAmt: '', bizRefId: '', bizRefType: '', spotInUseCcy: '', thetaBS: '', thetaPA: '', tradeId: '109844',
    uTime: String(p.updatedMs), upl: usd(f.unrealisedPnl), uplLastPx: usd(f.unrealisedPnl),
    uplRatio: fixed(f.unrealisedPnl / ((p.qty * p.entryPrice) / p.leverage), 8), uplRatioLastPx: fixed(f.unrealisedPnl / ((p.qty * p.entryPrice) / p.leverage), 8),
    vegaBS: '', vegaPA: '', realizedPnl: usd(-p.fundingPaid), pnl: '0', fee: '0', fundingFee: usd(-p.fundingPaid),
    liqPenalty: '0', nonSettleAvgPx: '', settledPnl: '', closeOrderAlgo: [],
  };
}

/** A stable position id per coin, like OKX's numeric posId. */
export const posId = (p: SimPosition): string => String(307173036051017730n + BigInt(['BTC', 'ETH', 'SOL'].indexOf(p.coin) + 1));

export function positionRows(book: AccountBook, t: number): Record<string, unknown>[] {
  const a = book.figures(t);
  return a.positions.map((f) => positionRow(f, a, t));
}

export function balanceRow(book: AccountBook, t: number): Record<string, unknown> {
  const a = book.figures(t);
  const isoEq = a.positions.reduce((s, f) => s + f.isolatedEquity, 0);
  const isoUpl = a.positions.reduce((s, f) => s + (f.position.marginMode === 'isolated' ? f.unrealisedPnl : 0), 0);
  const cashBal = a.totalWallet;
  const eq = cashBal + a.totalUnrealisedPnl;
  const avail = Math.max(0, a.crossEquity - a.crossInitial);
  return {
    adjEq: '', borrowFroz: '', imr: '', isoEq: usd(isoEq), mgnRatio: '', mmr: '', notionalUsd: usd(a.positions.reduce((s, f) => s + f.notional, 0)),
    ordFroz: '', totalEq: usd(eq), uTime: String(book.updatedMs), upl: usd(a.totalUnrealisedPnl),
    details: [
      {
        availBal: usd(avail), availEq: usd(avail), borrowFroz: '', cashBal: usd(cashBal), ccy: 'USDT', crossLiab: '', disEq: usd(eq),
        eq: usd(eq), eqUsd: usd(eq), fixedBal: '0', frozenBal: usd(a.isolatedWallet + a.crossInitial), imr: usd(a.crossInitial),
        interest: '', isoEq: usd(isoEq), isoLiab: '', isoUpl: usd(isoUpl), liab: '', maxLoan: '', mgnRatio: ratioText(a.crossRiskRatio),
        mmr: usd(a.crossMaintenance), notionalLever: eq > 0 ? fixed(a.positions.reduce((s, f) => s + f.notional, 0) / eq, 4) : '',
        ordFrozen: '0', spotInUseAmt: '', stgyEq: '0', twap: '0', uTime: String(book.updatedMs), upl: usd(a.totalUnrealisedPnl), uplLiab: '',
      },
    ],
  };
}

/** `balance_and_position` data for a snapshot or an event (`funding_fee`, `liquidation`). */
export function balanceAndPosition(book: AccountBook, t: number, eventType: string, closed: readonly SimPosition[]): Record<string, unknown> {
  const a = book.figures(t);
  const posData = a.positions.map((f) => ({
    posId: posId(f.position), tradeId: '109844', instId: f.listing.okx, instType: 'SWAP', mgnMode: f.position.marginMode,
    posSide: 'net', pos: fixed(f.signedQty / f.listing.okxCtVal, 2).replace(/\.?0+$/, ''), ccy: 'USDT', posCcy: '',
    avgPx: fixed(f.position.entryPrice, f.listing.priceDecimals), nonSettleAvgPx: '', settledPnl: '', uTime: String(f.position.updatedMs),
  }));
  const closedData = closed.map((p) => ({
    posId: posId(p), tradeId: '109845', instId: COIN_LISTINGS[p.coin].okx, instType: 'SWAP', mgnMode: p.marginMode,
    posSide: 'net', pos: '0', ccy: 'USDT', posCcy: '', avgPx: '', nonSettleAvgPx: '', settledPnl: '', uTime: String(t),
  }));
  return {
    pTime: String(t),
    eventType,
    balData: [{ ccy: 'USDT', cashBal: usd(a.totalWallet), uTime: String(book.updatedMs) }],
    posData: [...posData, ...closedData],
    trades: [],
  };
}
