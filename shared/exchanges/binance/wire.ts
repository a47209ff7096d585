/**
 * Binance USDⓈ-M futures messages exactly as sent (field names and numeric strings as Binance spells
 * them). Documentation: https://developers.binance.com/docs/derivatives/usds-margined-futures
 * Only the fields Margin Sentry reads are listed; the frames carry more.
 */

/** `<symbol>@markPrice@1s` on `/market`; in stream mode wrapped as `{stream, data}`. */
export interface WireMarkPriceUpdate {
  readonly e: 'markPriceUpdate';
  readonly E: number;
  readonly s: string;
  readonly p: string;
  readonly r?: string;
  readonly T?: number;
}

export interface WireCombined<T> {
  readonly stream: string;
  readonly data: T;
}

export interface WireAccountUpdateBalance {
  readonly a: string;
  readonly wb: string;
  readonly cw: string;
}

export interface WireAccountUpdatePosition {
  readonly s: string;
  /** Signed position amount. */
  readonly pa: string;
  readonly ep: string;
  readonly up: string;
  readonly mt: 'isolated' | 'cross';
  /** Isolated wallet: the position's margin, unrealised PnL excluded. */
  readonly iw: string;
  readonly ps: 'BOTH' | 'LONG' | 'SHORT';
}

export interface WireAccountUpdate {
  readonly e: 'ACCOUNT_UPDATE';
  readonly E: number;
  readonly a: { readonly m: string; readonly B: readonly WireAccountUpdateBalance[]; readonly P: readonly WireAccountUpdatePosition[] };
}

export interface WireMarginCall {
  readonly e: 'MARGIN_CALL';
  readonly E: number;
  readonly cw?: string;
  readonly p: readonly {
    readonly s: string;
    readonly ps: 'BOTH' | 'LONG' | 'SHORT';
    readonly pa: string;
    readonly mt: 'CROSSED' | 'ISOLATED';
    readonly iw: string;
    readonly mp: string;
    readonly up: string;
    readonly mm: string;
  }[];
}

export interface WireListenKeyExpired {
  readonly e: 'listenKeyExpired';
  readonly E: number | string;
  readonly listenKey?: string;
}

/** Reply to a JSON `SUBSCRIBE` request on a market connection. */
export interface WireRequestReply {
  readonly result: unknown;
  readonly id: number;
}

/** Error body of REST and websocket requests. */
export interface ErrorBody {
  readonly code: number;
  readonly msg: string;
}

/** `GET /fapi/v3/positionRisk` row (v2 rows also carry `marginType` and `leverage`). */
export interface WirePositionRisk {
  readonly symbol: string;
  readonly positionSide: 'BOTH' | 'LONG' | 'SHORT';
  readonly positionAmt: string;
  readonly entryPrice: string;
  readonly markPrice: string;
  readonly liquidationPrice: string;
  readonly isolatedWallet: string;
  readonly marginType?: 'isolated' | 'cross';
  readonly leverage?: string;
  readonly updateTime: number;
}

/** `GET /fapi/v3/account` (single-asset mode figures are USDT). */
export interface WireAccount {
  readonly totalCrossWalletBalance: string;
  readonly assets: readonly { readonly asset: string; readonly crossWalletBalance: string }[];
}

/** `GET /fapi/v1/leverageBracket`: an array, or one object when `symbol` is given. */
export interface WireLeverageBracket {
  readonly symbol: string;
  readonly notionalCoef?: number;
  readonly brackets: readonly {
    readonly bracket: number;
    readonly initialLeverage: number;
    readonly notionalCap: number;
    readonly notionalFloor: number;
    readonly maintMarginRatio: number;
    readonly cum: number;
  }[];
}

/** `POST /fapi/v1/listenKey` and the keep-alive `PUT`. */
export interface WireListenKey {
  readonly listenKey: string;
}
