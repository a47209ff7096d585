import { describe, expect, it } from 'vitest';
import { parseFrame as parseBinance } from '../../exchanges/binance/parse.ts';
import { parseFrame as parseBybit } from '../../exchanges/bybit/parse.ts';
import { epochMs, price, ratio } from '../../units/units.ts';
import { markEvent } from './venue-events.ts';

const ctx = { now: epochMs(1_760_325_052_630), contractSize: () => 1 };

describe('a mark event with the funding fields its frame carried', () => {
  it('has the keys of each variant in one order, and no key for a field the frame did not carry', () => {
    const p = price(66_666.6);
    const t = epochMs(1_760_325_052_630);
    expect(Object.keys(markEvent('BTCUSDT', p, t, 'mark'))).toEqual(['kind', 'symbol', 'price', 'time', 'source']);
    expect(Object.keys(markEvent('BTCUSDT', p, t, 'mark', ratio(-0.005)))).toEqual(['kind', 'symbol', 'price', 'time', 'source', 'fundingRate']);
    expect(Object.keys(markEvent('BTCUSDT', p, t, 'mark', undefined, t))).toEqual(['kind', 'symbol', 'price', 'time', 'source', 'nextFundingTime']);
    expect(Object.keys(markEvent('BTCUSDT', p, t, 'mid', ratio(0.0001), t))).toEqual(['kind', 'symbol', 'price', 'time', 'source', 'fundingRate', 'nextFundingTime']);
  });

  it('is what the Binance and Bybit parsers give, written out as JSON', () => {
    const binance = parseBinance('{"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15000000","i":"11784.62659091","P":"11784.25641265","r":"0.00038167","T":1562306400000}', ctx);
    expect(JSON.stringify(binance.ok ? binance.events : binance)).toBe(
      '[{"kind":"mark","symbol":"BTCUSDT","price":11794.15,"time":1562305380000,"source":"mark","fundingRate":0.00038167,"nextFundingTime":1562306400000}]',
    );
    // Binance's T of 0 (no payment scheduled) is no time at all.
    const noTime = parseBinance('{"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15","r":"0.0001","T":0}', ctx);
    expect(JSON.stringify(noTime.ok ? noTime.events : noTime)).toBe('[{"kind":"mark","symbol":"BTCUSDT","price":11794.15,"time":1562305380000,"source":"mark","fundingRate":0.0001}]');
    const bybit = parseBybit('{"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","markPrice":"66666.60","nextFundingTime":"1760342400000"},"cs":1,"ts":1760325052630}', ctx);
    expect(JSON.stringify(bybit.ok ? bybit.events : bybit)).toBe('[{"kind":"mark","symbol":"BTCUSDT","price":66666.6,"time":1760325052630,"source":"mark","nextFundingTime":1760342400000}]');
  });
});
