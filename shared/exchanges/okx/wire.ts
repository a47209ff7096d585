/**
 * OKX v5 (USDT-margined perpetual swaps) messages exactly as sent. Documentation:
 * https://www.okx.com/docs-v5/en/ (sections named per shape). Only the fields Margin Sentry reads.
 */

/** Public `mark-price`: pushed on change (at most every 200 ms), else every 10 s. */
export interface WireMarkPricePush {
  readonly arg: { readonly channel: 'mark-price'; readonly instId: string };
  readonly data: readonly { readonly instType: string; readonly instId: string; readonly markPx: string; readonly ts: string }[];
}

/** One position (`positions` channel and `GET /api/v5/account/positions`). `pos` counts contracts. */
export interface WirePosition {
  readonly instType: string;
  readonly instId: string;
  readonly mgnMode: 'cross' | 'isolated';
  /** `net` (one-way: the sign of `pos` is the side) or `long`/`short` (hedge). */
  readonly posSide: 'net' | 'long' | 'short';
  readonly pos: string;
  readonly ccy: string;
  readonly avgPx: string;
  readonly markPx: string;
  /** Isolated margin (can be added or reduced), unrealised PnL excluded. */
  readonly margin: string;
  readonly lever: string;
  readonly liqPx: string;
  readonly uTime: string;
}

export interface WirePositionsPush {
  readonly arg: { readonly channel: 'positions'; readonly instType: string };
  readonly eventType: 'snapshot' | 'event_update';
  readonly curPage?: number;
  readonly lastPage?: boolean;
  readonly data: readonly WirePosition[];
}

/** `balance_and_position`: cash balances (and partial positions, which we do not read). */
export interface WireBalanceAndPositionPush {
  readonly arg: { readonly channel: 'balance_and_position' };
  readonly data: readonly {
    readonly pTime: string;
    readonly eventType: string;
    readonly balData: readonly { readonly ccy: string; readonly cashBal: string; readonly uTime: string }[];
  }[];
}

/** `liquidation-warning`: the venue's own risk warning (default at mgnRatio <= 300 %). */
export interface WireLiquidationWarningPush {
  readonly arg: { readonly channel: 'liquidation-warning' };
  readonly data: readonly { readonly instId: string; readonly mgnMode: string; readonly posSide: string; readonly pos: string; readonly markPx: string; readonly mgnRatio: string; readonly uTime: string }[];
}

/** Replies to login and subscribe, and errors. */
export interface WireEventReply {
  readonly event: 'login' | 'subscribe' | 'unsubscribe' | 'error' | 'channel-conn-count' | 'notice';
  readonly code?: string;
  readonly msg?: string;
  readonly connId?: string;
}

/** Every REST reply. */
export interface WireEnvelope<T> {
  readonly code: string;
  readonly msg: string;
  readonly data: readonly T[];
}

/** `GET /api/v5/account/balance` details row. */
export interface WireBalanceDetail {
  readonly ccy: string;
  readonly cashBal: string;
  readonly eq: string;
  readonly isoEq: string;
  readonly upl: string;
}

/** `GET /api/v5/public/instruments?instType=SWAP` row. */
export interface WireInstrument {
  readonly instId: string;
  readonly instFamily: string;
  readonly ctVal: string;
  readonly ctType: 'linear' | 'inverse';
  readonly settleCcy: string;
}

/** `GET /api/v5/public/position-tiers` row: `minSz`/`maxSz` count contracts for swaps. */
export interface WirePositionTier {
  readonly tier: string;
  readonly minSz: string;
  readonly maxSz: string;
  readonly mmr: string;
  readonly imr: string;
  readonly maxLever: string;
  readonly instFamily: string;
  readonly instId: string;
}
