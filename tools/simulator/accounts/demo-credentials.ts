/**
 * The fixed demo credentials the simulator accepts (documented in simulator/README.md). They open
 * nothing real: no exchange is reachable from the simulator, and these strings are not secrets.
 */
export const DEMO_CREDENTIALS = {
  binance: { apiKey: 'sim-binance-demo-key', secret: 'sim-binance-demo-secret' },
  bybit: { apiKey: 'sim-bybit-demo-key', secret: 'sim-bybit-demo-secret' },
  okx: { apiKey: 'sim-okx-demo-key', secret: 'sim-okx-demo-secret', passphrase: 'sim-okx-demo-passphrase', uid: '448300176234553344' },
  /** Hyperliquid needs no key: any address is readable; this one holds the demo positions. */
  hyperliquid: { address: '0x5eed000000000000000000000000000000000dec' },
} as const;

/**
 * A second key per venue that reads the same demo account but whose permissions say it can trade
 * (and, on Binance and OKX, withdraw): what a home's key check must refuse to keep. Every signed
 * route accepts it; only the permission endpoints tell the two apart.
 */
export const TRADING_CREDENTIALS = {
  binance: { apiKey: 'sim-binance-trade-key', secret: 'sim-binance-trade-secret' },
  bybit: { apiKey: 'sim-bybit-trade-key', secret: 'sim-bybit-trade-secret' },
  okx: { apiKey: 'sim-okx-trade-key', secret: 'sim-okx-trade-secret', passphrase: 'sim-okx-trade-passphrase', uid: '448300176234553345' },
} as const;

/** The secret (and OKX passphrase) of a key the simulator knows, or undefined. */
export function knownKey(venue: 'binance' | 'bybit' | 'okx', apiKey: string): { secret: string; passphrase?: string; canTrade: boolean } | undefined {
  for (const [c, canTrade] of [[DEMO_CREDENTIALS[venue], false], [TRADING_CREDENTIALS[venue], true]] as const) {
    if (c.apiKey === apiKey) return { secret: c.secret, ...('passphrase' in c ? { passphrase: c.passphrase } : {}), canTrade };
  }
  return undefined;
}
