/**
 * Hyperliquid perps messages exactly as sent. Documentation:
 * https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api (Info endpoint, Websocket).
 * Only the fields Margin Sentry reads.
 */

/** Every websocket message: `{channel, data}`. The first frame is the text "Websocket connection established." */
export interface WireMessage<C extends string, D> {
  readonly channel: C;
  readonly data: D;
}

/** `activeAssetCtx` for one perp coin. */
export type WireActiveAssetCtx = WireMessage<'activeAssetCtx', { readonly coin: string; readonly ctx: { readonly markPx: string; readonly funding: string; readonly oraclePx: string } }>;

/** `allMids`: mid prices (not marks) of every coin. */
export type WireAllMids = WireMessage<'allMids', { readonly mids: Readonly<Record<string, string>> }>;

export interface WireAssetPosition {
  readonly type: 'oneWay';
  readonly position: {
    readonly coin: string;
    /** Signed size in coins. */
    readonly szi: string;
    readonly entryPx: string;
    readonly positionValue: string;
    readonly unrealizedPnl: string;
    readonly liquidationPx: string | null;
    /** Isolated: margin including unrealised PnL (rawUsd + positionValue). */
    readonly marginUsed: string;
    readonly maxLeverage: number;
    readonly leverage: { readonly type: 'cross' | 'isolated'; readonly value: number; readonly rawUsd?: string };
  };
}

/** `POST /info {"type":"clearinghouseState","user":...}` and the `clearinghouseState` subscription. */
export interface WireClearinghouseState {
  readonly assetPositions: readonly WireAssetPosition[];
  readonly crossMarginSummary: { readonly accountValue: string; readonly totalRawUsd: string };
  readonly marginSummary: { readonly accountValue: string };
  readonly crossMaintenanceMarginUsed: string;
  readonly time?: number;
}

/** The subscription may wrap the state per perp dex (HIP-3): `{dex, user, clearinghouseState}`. */
export interface WireClearinghouseStateEvent {
  readonly dex: string;
  readonly user: string;
  readonly clearinghouseState: WireClearinghouseState;
}

/** `POST /info {"type":"meta"}`. */
export interface WireMeta {
  readonly universe: readonly { readonly name: string; readonly maxLeverage: number; readonly marginTableId: number; readonly isDelisted?: boolean }[];
  readonly marginTables: readonly (readonly [number, { readonly description: string; readonly marginTiers: readonly { readonly lowerBound: string; readonly maxLeverage: number }[] }])[];
}
