import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseContext } from '../../../tools/test-support/parse-context.ts';
import { parseFrame, walkFrame } from './parse.ts';

/**
 * parse.ts reads good mark-price pushes without the walk (`plainMarkFrame`) and sends everything else to
 * it: for any frame, parseFrame must return exactly what the walk returns (the same events in the same
 * key order, or the same refusal naming the same field).
 */
const ctx = parseContext();

const numberish = fc.oneof(
  fc.constantFrom('42310.6', '0', '1', '1e3', '.5', '5.', '+2', ' 3.1', '3.1 ', '', 'abc', '0x10', '1e400', '-1', '2.5', 'NaN', '1630049139746', '1630049139746.5'),
  fc.constantFrom(0, 1, -1, 0.5, 1630049139746, 1e15, 1e15 + 2, 1e12, 1e12 + 1, 2.5),
  fc.double({ noNaN: true }).map(String),
  fc.integer({ min: 0, max: 2e15 }).map(String),
  fc.constantFrom(null, undefined, true, [], {}),
);
const symbol = fc.constantFrom('BTC-USDT-SWAP', '', 'X'.repeat(64), 'X'.repeat(65), 1, null, undefined);
/** A good mark with at most two fields replaced (or dropped), so that each check is met alone. */
const mark = fc
  .tuple(
    fc.record({ ts: fc.integer({ min: 0, max: 1e15 }).map(String), markPx: fc.double({ min: 1e-8, max: 1e12, noNaN: true }).map(String) }),
    fc.array(fc.tuple(fc.constantFrom('instId', 'markPx', 'ts'), fc.oneof(numberish, symbol)), { maxLength: 2 }),
  )
  .map(([good, changes]) => {
    const m: Record<string, unknown> = { instType: 'SWAP', instId: 'BTC-USDT-SWAP', markPx: good.markPx, ts: good.ts };
    for (const [key, value] of changes) m[key] = value;
    return m;
  });
const channel = fc.oneof(fc.constant('mark-price'), fc.constantFrom('funding-rate', 'positions', 'other', 1));
const frameOf = fc.oneof(
  fc.record({ arg: fc.record({ channel, instId: fc.constant('BTC-USDT-SWAP') }), data: fc.array(mark, { maxLength: 3 }) }),
  fc.record({ arg: fc.record({ channel: fc.constant('mark-price') }), data: fc.array(mark, { minLength: 1, maxLength: 1 }) }),
  fc.array(mark, { minLength: 1, maxLength: 1 }).map((data) => ({ arg: { channel: 'mark-price' }, data, event: 'subscribe' })),
  fc.constantFrom(null, 3, 'x', [], { arg: null, data: [] }, { arg: [], data: [] }, { arg: { channel: 'mark-price' } }, { arg: { channel: 'mark-price' }, data: {} }, { arg: { channel: 'mark-price' }, data: [null] }),
);

describe('okx mark-price pushes read without the walk', () => {
  it('parseFrame returns what the walk returns, for good and bad mark frames alike', () => {
    let plain = 0;
    fc.assert(
      fc.property(frameOf, (frame) => {
        const text = JSON.stringify(frame);
        const got = parseFrame(text, ctx);
        const walked = walkFrame(JSON.parse(text), ctx);
        expect(JSON.stringify(got)).toBe(JSON.stringify(walked));
        expect(got).toStrictEqual(walked);
        if (got.ok && got.events.length > 0 && got.events[0]?.kind === 'mark') plain += 1;
      }),
      { numRuns: 4000 },
    );
    // The property means something only if good frames were drawn too.
    expect(plain).toBeGreaterThan(300);
  });

  it('a good push gives its marks (the doc example)', () => {
    const text = '{"arg":{"channel":"mark-price","instId":"BTC-USDT"},"data":[{"instType":"MARGIN","instId":"BTC-USDT","markPx":"42310.6","ts":"1630049139746"}]}';
    expect(parseFrame(text, ctx)).toStrictEqual({ ok: true, events: [{ kind: 'mark', symbol: 'BTC-USDT', price: 42310.6, time: 1630049139746, source: 'mark' }] });
  });
});
