/**
 * Bybit v5 (linear USDT perpetuals, Unified Trading Account) messages exactly as sent.
 * Documentation: https://bybit-exchange.github.io/docs/v5/intro (source: bybit-exchange/docs `docs/v5/*`).
 * Only the fields Margin Sentry reads are listed.
 */

/** `tickers.{symbol}`: a snapshot, then deltas that omit unchanged fields. */
export interface WireTicker {
  readonly topic: string;
  readonly type: 'snapshot' | 'delta';
  readonly ts: number;
  readonly data: {
    readonly symbol: string;
    readonly markPrice?: string;
    readonly fundingRate?: string;
    readonly nextFundingTime?: string;
  };
}

/** One position as the `position` topic and `GET /v5/position/list` send it (REST says `avgPrice`). */
export interface WirePosition {
  readonly symbol: string;
  readonly category?: string;
  /** 0 one-way, 1 hedge buy side, 2 hedge sell side. */
  readonly positionIdx: 0 | 1 | 2;
  /** Deprecated for UTA 2.0 (always 0): the account's margin mode decides. */
  readonly tradeMode?: 0 | 1;
  readonly side: 'Buy' | 'Sell' | '';
  readonly size: string;
  readonly entryPrice?: string;
  readonly avgPrice?: string;
  readonly leverage: string;
  readonly markPrice: string;
  readonly positionBalance?: string;
  readonly positionIM?: string;
  readonly liqPrice: string;
  readonly updatedTime: string;
}

export interface WirePositionPush {
  readonly topic: 'position' | 'position.linear';
  readonly creationTime: number;
  readonly data: readonly WirePosition[];
}

/** The `wallet` topic and `GET /v5/account/wallet-balance` list entries. */
export interface WireWallet {
  readonly accountType: string;
  readonly totalWalletBalance: string;
  readonly totalMarginBalance: string;
  readonly totalPerpUPL: string;
  readonly accountMMRate: string;
  readonly coin: readonly { readonly coin: string; readonly walletBalance: string }[];
}

export interface WireWalletPush {
  readonly topic: 'wallet';
  readonly creationTime: number;
  readonly data: readonly WireWallet[];
}

/** Replies to `subscribe`, `auth` and `ping` (public pong: op "ping", ret_msg "pong"; private: op "pong"). */
export interface WireOpReply {
  readonly op: 'subscribe' | 'auth' | 'ping' | 'pong' | 'unsubscribe';
  readonly success?: boolean;
  readonly ret_msg?: string;
  readonly req_id?: string;
}

/** Every REST reply. */
export interface WireEnvelope<T> {
  readonly retCode: number;
  readonly retMsg: string;
  readonly result: T;
  readonly time?: number;
}

/** `GET /v5/market/risk-limit` rows; the rates are fractions (docs/margin-math.md §3.1). */
export interface WireRiskLimit {
  readonly id: number;
  readonly symbol: string;
  readonly riskLimitValue: string;
  readonly maintenanceMargin: string;
  readonly initialMargin: string;
  readonly maxLeverage: string;
  readonly mmDeduction: string;
}

/** `GET /v5/account/info`. */
export interface WireAccountInfo {
  readonly marginMode: 'ISOLATED_MARGIN' | 'REGULAR_MARGIN' | 'PORTFOLIO_MARGIN';
}
