import { describe, expect, it } from 'vitest';
import { venueAdapters } from './venues.ts';
import type { VenueId } from '../engine/positions/account.ts';
import { parseContext } from '../../tools/test-support/parse-context.ts';

// The engine keys plain records by symbol: a frame naming a symbol after something every object has
// (`constructor`, `__proto__`, `toString`) would read the prototype's member where no entry is. Such a
// frame is refused at the parser with the field named, and a good frame after it still parses.
const markFrame: Readonly<Record<VenueId, (symbol: string) => unknown>> = {
  binance: (s) => ({ e: 'markPriceUpdate', E: 1562305380000, s, p: '11794.15000000', i: '11784.62659091', P: '11784.25641265', r: '0.00038167', T: 1562306400000 }),
  bybit: (symbol) => ({ topic: `tickers.${symbol}`, type: 'delta', data: { symbol, markPrice: '66000.1' }, cs: 2, ts: 3 }),
  okx: (instId) => ({ arg: { channel: 'mark-price', instId }, data: [{ instType: 'SWAP', instId, markPx: '42310.6', ts: '1630049139746' }] }),
  hyperliquid: (coin) => ({ channel: 'activeAssetCtx', data: { coin, ctx: { funding: '0.0000125', openInterest: '1', prevDayPx: '84086.0', dayNtlVlm: '1', premium: '0', oraclePx: '83778.1', markPx: '83757.0', midPx: '83757.5', impactPxs: ['83757.0', '83766.8'], dayBaseVlm: '1' } } }),
};
const goodSymbol: Readonly<Record<VenueId, string>> = { binance: 'BTCUSDT', bybit: 'BTCUSDT', okx: 'BTC-USDT-SWAP', hyperliquid: 'BTC' };

describe.each(Object.keys(markFrame) as VenueId[])('%s mark frames', (venue) => {
  const parse = (symbol: string) => venueAdapters[venue].parseFrame(JSON.stringify(markFrame[venue](symbol)), parseContext(1_700_000_000_000, { [goodSymbol[venue]]: 0.01 }));

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('a symbol named %j is refused with its field named', (symbol) => {
    const result = parse(symbol);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toContain('every object has');
      expect(result.error.field).toMatch(/(^|\.)(s|symbol|instId|coin)$/);
    }
  });

  it('a good symbol after it parses to its mark', () => {
    const result = parse(goodSymbol[venue]);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.events.find((e) => e.kind === 'mark')).toMatchObject({ symbol: goodSymbol[venue] });
  });
});
