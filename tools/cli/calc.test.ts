import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot as root, runCommand } from '../test-support/run-command.ts';

/** The `calc` command as a user runs it: a real child process, real files and stdin. */
const calc = (args: string[], stdin?: string) => runCommand('tools/cli/calc.ts', args, stdin);

const example = JSON.parse(readFileSync(join(root, 'examples', 'binance-cross.json'), 'utf8')) as {
  positions: Record<string, unknown>[];
} & Record<string, unknown>;

// Each case starts a Node process (about a second on two busy cores), so allow for a loaded machine.
describe.concurrent('calc command', { timeout: 60_000 }, () => {
  test('the README example prints every documented field as JSON numbers', async () => {
    const r = await calc(['examples/binance-cross.json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const k of ['riskRatio', 'equity', 'maintenanceMargin']) expect(typeof out.account[k]).toBe('number');
    expect(out.positions).toHaveLength(2);
    for (const p of out.positions) {
      for (const k of ['liquidationPrice', 'maintenanceMargin', 'riskRatio', 'topUp', 'reduceQty']) expect(typeof p[k]).toBe('number');
      expect(Object.keys(p.tierPrices).sort()).toEqual(['0.5', '0.8', '0.9', '1']);
      expect(p.tierPrices['1']).toBe(p.liquidationPrice);
    }
  });

  test('reads standard input with -, and the same account gives the same answer', async () => {
    const fromFile = await calc(['examples/binance-cross.json']);
    const fromStdin = await calc(['-'], JSON.stringify(example));
    expect(fromStdin.status).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toEqual(JSON.parse(fromFile.stdout));
  });

  test('the Binance FAQ account: its liquidation price and margin ratio (vectors #1, #3)', async () => {
    const faq = {
      exchange: 'binance',
      walletBalance: 1535443.01,
      positions: [
        { symbol: 'BTCUSDT', side: 'long', qty: 109.488, entryPrice: 32481.98, markPrice: 31967.27, marginMode: 'cross', tiers: [{ floor: 0, mmr: 0.025, deduction: 16300 }] },
        { symbol: 'ETHUSDT', side: 'long', qty: 3683.979, entryPrice: 1456.84, markPrice: 1335.18, marginMode: 'cross', tiers: [{ floor: 0, mmr: 0.1, deduction: 135365 }] },
      ],
    };
    const out = JSON.parse((await calc(['-'], JSON.stringify(faq))).stdout);
    expect(out.account.riskRatio).toBeCloseTo(0.41489491, 8);
    expect(out.positions[0].liquidationPrice).toBeCloseTo(26316.89, 2);
  });

  const withPosition = (patch: Record<string, unknown>) => ({ ...example, positions: [{ ...example.positions[0], ...patch }] });
  const bad: [string, string, RegExp][] = [
    ['not JSON', '{"exchange": "binance",', /^input: not JSON/],
    ['unknown exchange', JSON.stringify({ ...example, exchange: 'ftx' }), /^exchange: expected one of/],
    ['missing wallet', JSON.stringify({ ...example, walletBalance: undefined }), /^walletBalance: /],
    ['negative quantity', JSON.stringify(withPosition({ qty: -1 })), /^positions\[0\]\.qty: /],
    ['NaN mark price', JSON.stringify(withPosition({ markPrice: 'NaN' })), /^positions\[0\]\.markPrice: /],
    ['missing side', JSON.stringify(withPosition({ side: undefined })), /^positions\[0\]\.side: /],
    ['isolated without margin', JSON.stringify(withPosition({ marginMode: 'isolated' })), /^positions\[0\]\.isolatedMargin: /],
    ['mmr of 5 (a percentage)', JSON.stringify(withPosition({ tiers: [{ floor: 0, mmr: 5 }] })), /^positions\[0\]\.tiers\[0\]\.mmr: /],
    ['garbage level', JSON.stringify({ ...example, callLevels: [0.5, 'x'] }), /^callLevels\[1\]: /],
    ['a bare array', '[1,2,3]', /^input: expected an object/],
    // The feed's tier-table check (engine/margin/tier-table-check.ts) applies to a file as to a venue.
    [
      'overlapping tiers with a falling rate',
      JSON.stringify(withPosition({ tiers: [{ floor: 0, cap: 10, mmr: 0.5 }, { floor: 5, cap: 100, mmr: 0.01 }] })),
      /^positions\[0\]\.tiers: tier 2: floor 5 is inside tier 1/,
    ],
    ['a falling rate', JSON.stringify(withPosition({ tiers: [{ floor: 0, mmr: 0.5 }, { floor: 50_000, mmr: 0.01 }] })), /^positions\[0\]\.tiers: tier 2: maintenance rate falls from 0\.5 to 0\.01/],
    ['no tier at 0', JSON.stringify(withPosition({ tiers: [{ floor: 10, mmr: 0.01 }] })), /^positions\[0\]\.tiers: the first tier starts at 10/],
    // Figures whose products or sums would overflow to Infinity (equity, notional) are refused by name.
    ['a quantity of 1e308', JSON.stringify(withPosition({ qty: 1e308 })), /^positions\[0\]\.qty: magnitude 1e\+308 is past the bound/],
    ['prices of 1e308', JSON.stringify(withPosition({ markPrice: 1e308, entryPrice: 1e308 })), /^positions\[0\]\.entryPrice: magnitude/],
    ['a wallet of 1e308', JSON.stringify({ ...example, walletBalance: 1e308 }), /^walletBalance: magnitude/],
    ['a deduction of 1e300', JSON.stringify(withPosition({ tiers: [{ floor: 0, mmr: 0.01, deduction: 1e300 }] })), /^positions\[0\]\.tiers\[0\]\.deduction: magnitude/],
    ['a misspelt field', JSON.stringify(withPosition({ qyt: 1 })), /^positions\[0\]\.qyt: unknown field/],
  ];
  for (const [name, input, message] of bad) {
    test(`bad input (${name}): one line on stderr naming the field, exit 2, nothing on stdout`, async () => {
      const r = await calc(['-'], input);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    });
  }

  for (const args of [['--bogus-flag', 'examples/binance-cross.json'], ['examples/binance-cross.json', 'stray'], []]) {
    test(`refuses the command line ${JSON.stringify(args)}: one line on stderr, exit 2`, async () => {
      const r = await calc(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^(unknown option --bogus-flag|unexpected argument "stray"|missing input: give FILE\|-); usage: npm run -s calc -- FILE\|-$/m);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  test('a missing file is a clear error, not a stack trace', async () => {
    const r = await calc(['no-such-file.json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^cannot read no-such-file\.json: ENOENT/);
  });
});
