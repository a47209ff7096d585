import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { btcusdtBrackets } from './binance-brackets.ts';
import { loadVectors, teamCopies, teamDir } from './shared-design.ts';

/**
 * The tests read only the repository's copies of the vectors and payloads. Where the team folder sits
 * beside the repository (the developers' machines, CI), each copy must still be byte for byte its
 * original, so a fact corrected there cannot be missed here. A clone without it skips this check.
 */
const teamPresent = existsSync(teamDir);
const copies = teamCopies();
const title = teamPresent
  ? `the repository copies equal the team folder's originals in ${teamDir}`
  : `the repository copies against the team folder: skipped, no team folder at ${teamDir}`;

describe.skipIf(!teamPresent)(title, () => {
  for (const { copy, original } of copies) {
    test(`${relative(process.cwd(), copy)} is byte for byte ${relative(teamDir, original)}`, () => {
      expect(existsSync(original), `${original} is gone from the team folder`).toBe(true);
      expect(readFileSync(copy).equals(readFileSync(original))).toBe(true);
    });
  }
});

describe('the copies', () => {
  test('cover the vectors and the payloads of all four venues', () => {
    const names = copies.map((c) => relative(process.cwd(), c.copy));
    expect(names).toContain('shared/exchanges/vectors.json');
    for (const venue of ['binance', 'bybit', 'okx', 'hyperliquid']) {
      expect(names.some((n) => n.startsWith(`shared/exchanges/${venue}/fixtures/${venue}-`)), venue).toBe(true);
    }
  });
  test('the BTCUSDT table reads as Binance prints it (cum 50 at the second bracket)', () => {
    expect(btcusdtBrackets().tiers[1]?.deduction).toBe(50);
  });
});

test('docs/margin-math.md indexes every vector of the four venues by its case, so a cited #N can be found', () => {
  const doc = readFileSync(new URL('../../docs/margin-math.md', import.meta.url), 'utf8');
  const ours = loadVectors().filter((v) => ['binance', 'bybit', 'okx', 'hyperliquid'].includes(v.exchange));
  expect(ours.filter((v) => !doc.includes(`| ${v.exchange} | ${v.case} |`)).map((v) => v.case)).toEqual([]);
});
