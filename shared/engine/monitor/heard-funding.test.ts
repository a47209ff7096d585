import { describe, expect, it } from 'vitest';
import { heardFunding } from './account-monitor.ts';

const NOTICE_AT = Date.UTC(2026, 10, 26, 16, 0);

describe('funding notices heard with the marks (copy on write)', () => {
  const known = { BTCUSDT: { rate: 0.0001, timeMs: NOTICE_AT }, ETHUSDT: { rate: -0.0002, timeMs: NOTICE_AT } };

  it('keeps the record itself when every notice heard is the one known', () => {
    expect(heardFunding(known, { BTCUSDT: { rate: 0.0001, timeMs: NOTICE_AT } })).toBe(known);
    expect(heardFunding(known, {})).toBe(known);
  });

  it('copies the record when a notice changes, and leaves the old record as it was', () => {
    const before = structuredClone(known);
    const next = heardFunding(known, { ETHUSDT: { rate: 0.0003, timeMs: NOTICE_AT } });
    expect(next).not.toBe(known);
    expect(next).toEqual({ BTCUSDT: known.BTCUSDT, ETHUSDT: { rate: 0.0003, timeMs: NOTICE_AT } });
    expect(known).toEqual(before);
    expect(heardFunding(known, { BTCUSDT: { rate: 0.0001, timeMs: NOTICE_AT + 8 * 3_600_000 } })['BTCUSDT']?.timeMs).toBe(NOTICE_AT + 8 * 3_600_000);
  });

  it('adds a symbol not known yet, even one named like an Object.prototype member', () => {
    expect(heardFunding(known, { SOLUSDT: { rate: 0.0001, timeMs: NOTICE_AT } })['SOLUSDT']).toEqual({ rate: 0.0001, timeMs: NOTICE_AT });
    const named = heardFunding({}, { constructor: { rate: 0.0001, timeMs: NOTICE_AT } });
    expect(Object.hasOwn(named, 'constructor')).toBe(true);
  });

  it('skips a notice that is not finite, not a fraction, or not a time, and copies nothing for it', () => {
    for (const bad of [{ rate: Number.NaN, timeMs: NOTICE_AT }, { rate: 1, timeMs: NOTICE_AT }, { rate: 0.0001, timeMs: 0 }, { rate: 0.0001, timeMs: Number.POSITIVE_INFINITY }]) {
      expect(heardFunding(known, { BTCUSDT: bad })).toBe(known);
    }
  });

  it('gives plain data that a structured clone and JSON give back equal', () => {
    const next = heardFunding(known, { ETHUSDT: { rate: 0.0003, timeMs: NOTICE_AT } });
    expect(structuredClone(next)).toEqual(next);
    expect(JSON.parse(JSON.stringify(next))).toEqual(next);
  });
});
