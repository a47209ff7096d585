import { describe, expect, it } from 'vitest';
import { venuePage } from './venue-pages.ts';
import { okxLayout } from './venues/okx.ts';
import { hyperliquidLayout } from './venues/hyperliquid.ts';
import { binanceLayout } from './venues/binance.ts';

describe('venuePage: which pages get an overlay', () => {
  it('the futures trading pages of each venue, nothing else', () => {
    expect(venuePage('www.binance.com', '/en/futures/BTCUSDT')).toEqual({ venue: 'binance', path: '/en/futures/BTCUSDT' });
    expect(venuePage('www.binance.com', '/futures/ETHUSDT')?.venue).toBe('binance');
    expect(venuePage('www.binance.com', '/en/my/wallet/futures')).toBeNull();
    expect(venuePage('www.bybit.com', '/trade/usdt/BTCUSDT')?.venue).toBe('bybit');
    expect(venuePage('www.bybit.com', '/en/login')).toBeNull();
    expect(venuePage('www.okx.com', '/trade-swap/btc-usdt-swap')?.venue).toBe('okx');
    expect(venuePage('www.okx.com', '/trade-spot/btc-usdt')).toBeNull();
    expect(venuePage('app.hyperliquid.xyz', '/trade/BTC')?.venue).toBe('hyperliquid');
    expect(venuePage('evil.example', '/trade/BTC')).toBeNull();
  });
  it('loopback fixture pages by their venue prefix (demo build only)', () => {
    expect(venuePage('127.0.0.1', '/okx/trade-swap/eth-usdt-swap')).toEqual({ venue: 'okx', path: '/trade-swap/eth-usdt-swap' });
    expect(venuePage('127.0.0.1', '/kraken/trade/BTC')).toBeNull();
  });
});

describe('symbol cells to the feed spelling', () => {
  it('per venue', () => {
    expect(binanceLayout.symbolOf('BTCUSDT Perp 20x')).toBe('BTCUSDT');
    expect(okxLayout.symbolOf('BTCUSDT Perpetual')).toBe('BTC-USDT-SWAP');
    expect(okxLayout.symbolOf('eth-usdt-swap')).toBe('ETH-USDT-SWAP');
    expect(okxLayout.symbolOf('Instrument')).toBeNull();
    expect(hyperliquidLayout.symbolOf('BTC 20x')).toBe('BTC');
  });
});
