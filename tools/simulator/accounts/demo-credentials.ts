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
