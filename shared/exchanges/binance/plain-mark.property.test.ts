import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseContext } from '../../../tools/test-support/parse-context.ts';
import { parseFrame, walkFrame } from './parse.ts';

/**
 * parse.ts reads good mark frames without the walk (`plainMarkFrame`) and sends everything else to it:
 * for any frame, parseFrame must return exactly what the walk returns (the same events in the same key
 * order, or the same refusal naming the same field).
 */
const ctx = parseContext();

/** Values a venue sends, or a broken frame: good decimals, edge cases each reader refuses or trims. */
const numberish = fc.oneof(
  fc.constantFrom('11794.15000000', '0.00038167', '-0.0001', '0', '1', '1e3', '1E-3', '.5', '5.', '+2', ' 3.1', '3.1 ', '', 'abc', '0x10', '1e400', '-1', '2.5', 'NaN', 'Infinity'),
  fc.constantFrom(0, 1, -1, 0.5, 1562305380000, 1562306400000, 1e15, 1e15 + 2, 1e12, 1e12 + 1, 2.5, -0.0001, 1.0000001),
  fc.double({ noNaN: true }).map(String),
  fc.integer({ min: 0, max: 2e15 }).map(String),
  fc.integer({ min: 0, max: 2e15 }),
  fc.constantFrom(null, undefined, true, [], {}),
);
const symbol = fc.oneof(fc.constantFrom('BTCUSDT', 'ETHUSDT', '', 'X'.repeat(64), 'X'.repeat(65)), fc.constantFrom(1, null, undefined));
const field = fc.constantFrom('e', 'E', 's', 'p', 'r', 'T');
/** A good mark with at most two fields replaced (or dropped), so that each check is met alone. */
const mark = fc
  .tuple(
    fc.record({ E: fc.integer({ min: 0, max: 1e15 }), p: fc.double({ min: 1e-8, max: 1e12, noNaN: true }).map(String), r: fc.double({ min: -1, max: 1, noNaN: true }).map((x) => x.toFixed(8)), T: fc.integer({ min: 0, max: 1e15 }) }),
    fc.array(fc.tuple(field, fc.oneof(numberish, symbol, fc.constantFrom('markPriceUpdate', 'ACCOUNT_UPDATE', 1))), { maxLength: 2 }),
  )
  .map(([good, changes]) => {
    const m: Record<string, unknown> = { e: 'markPriceUpdate', E: good.E, s: 'BTCUSDT', p: good.p, i: '11784.62659091', r: good.r, T: good.T };
    for (const [key, value] of changes) m[key] = value;
    return m;
  });
const frameOf = fc.oneof(
  mark,
  mark.map((data) => ({ stream: 'btcusdt@markPrice@1s', data })),
  fc.array(mark, { maxLength: 4 }),
  fc.array(mark, { maxLength: 4 }).map((data) => ({ stream: '!markPrice@arr@1s', data })),
  fc.constantFrom(null, 3, 'x', { stream: 's' }, { stream: 's', data: null }, { stream: 's', data: 1 }, { id: 1, result: null }, { e: 'listenKeyExpired', E: 1 }),
);

describe('binance mark frames read without the walk', () => {
  it('parseFrame returns what the walk returns, for good and bad mark frames alike', () => {
    let plain = 0;
    fc.assert(
      fc.property(frameOf, (frame) => {
        const text = JSON.stringify(frame) ?? 'null';
        const got = parseFrame(text, ctx);
        const walked = walkFrame(JSON.parse(text));
        expect(JSON.stringify(got)).toBe(JSON.stringify(walked));
        expect(got).toStrictEqual(walked);
        if (got.ok && got.events.length > 0) plain += 1;
      }),
      { numRuns: 4000 },
    );
    // The property means something only if good frames were drawn too.
    expect(plain).toBeGreaterThan(1000);
  });

  it('a good per-symbol and all-symbol frame give the marks (the doc example)', () => {
    const data = { e: 'markPriceUpdate', E: 1562305380000, s: 'BTCUSDT', p: '11794.15000000', i: '11784.62659091', P: '11784.25641265', r: '0.00038167', T: 1562306400000 };
    const expected = { kind: 'mark', symbol: 'BTCUSDT', price: 11794.15, time: 1562305380000, source: 'mark', fundingRate: 0.00038167, nextFundingTime: 1562306400000 };
    expect(parseFrame(JSON.stringify({ stream: 'btcusdt@markPrice@1s', data }), ctx)).toStrictEqual({ ok: true, events: [expected] });
    expect(parseFrame(JSON.stringify([data, { ...data, T: 0, r: '' }]), ctx)).toStrictEqual({
      ok: true,
      events: [expected, { kind: 'mark', symbol: 'BTCUSDT', price: 11794.15, time: 1562305380000, source: 'mark' }],
    });
  });
});
