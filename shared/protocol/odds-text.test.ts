import { describe, expect, it } from 'vitest';
import { oddsPercent } from './odds-text.ts';

/** The number a reader takes from the words ("> 99.9" as just above 99.9). */
const read = (text: string): number => (text === '> 99.9' ? 99.95 : text === '< 0.1' ? 0.05 : Number(text));

describe('oddsPercent', () => {
  it('never rounds uncertain odds to certainty, at either end', () => {
    expect(oddsPercent(0.9959)).toBe('99');
    expect(oddsPercent(0.99999)).toBe('> 99.9');
    expect(oddsPercent(1)).toBe('100');
    expect(oddsPercent(0.0004)).toBe('< 0.1');
    expect(oddsPercent(0)).toBe('0');
    expect(oddsPercent(0.05)).toBe('5.0');
    expect(oddsPercent(0.62)).toBe('62');
  });

  it('reads in the order of the odds: higher odds never read lower', () => {
    const ps = [0, 1e-9, 0.0009, 0.001, 0.0499, 0.0999, 0.1, 0.5, 0.9849, 0.9894, 0.9896, 0.99, 0.995, 0.9959, 0.999, 0.99901, 0.99999, 1];
    for (let x = 0; x <= 1; x += 0.000_37) ps.push(x);
    ps.sort((a, b) => a - b);
    for (let i = 1; i < ps.length; i += 1) expect(read(oddsPercent(ps[i]!)), `${ps[i - 1]} then ${ps[i]}`).toBeGreaterThanOrEqual(read(oddsPercent(ps[i - 1]!)));
    for (const p of ps) expect(oddsPercent(p)).not.toMatch(/NaN|Infinity|e/);
  });
});
