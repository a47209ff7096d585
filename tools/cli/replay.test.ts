import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot as root, runCommand } from '../test-support/run-command.ts';
import { crashReplayDocument } from '../test-support/replay-documents.ts';

/** The `replay` command as a user runs it: a real child process, real files and stdin. */
const replayCommand = (args: string[], stdin?: string) => runCommand('tools/cli/replay.ts', args, stdin);

const T0 = 1_760_130_000_000;
const account = {
  exchange: 'binance',
  walletBalance: 9_700,
  positions: [{ symbol: 'BTCUSDT', side: 'long', qty: 1, entryPrice: 97_000, markPrice: 97_000, marginMode: 'cross', tiers: [{ floor: 0, mmr: 0.004 }] }],
};
const ticks = [[T0, { BTCUSDT: 97_000 }], [T0 + 1_000, { BTCUSDT: 96_900 }], [T0 + 2_000, { BTCUSDT: 96_950 }]];

interface Alert {
  readonly t: number;
  readonly id: string;
  readonly kind: string;
  readonly tier?: string;
  readonly channel?: string;
}

// Each case starts a Node process (about a second on two busy cores), so allow for a loaded machine.
describe.concurrent('replay command', { timeout: 60_000 }, () => {
  test('the example is the crash scenario, and a pushed tier alert comes before liquidatedAt', async () => {
    expect(JSON.parse(readFileSync(join(root, 'examples', 'replay-crash.json'), 'utf8'))).toEqual(crashReplayDocument());
    const r = await replayCommand(['examples/replay-crash.json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { alerts: Alert[]; liquidatedAt: number | null; maxRiskRatio: number | null };
    expect(Object.keys(out)).toEqual(['alerts', 'liquidatedAt', 'maxRiskRatio']);
    expect(typeof out.liquidatedAt).toBe('number');
    const tier = out.alerts.find((a) => a.kind === 'tier' && a.channel === 'push');
    expect(tier?.t ?? Infinity).toBeLessThan(out.liquidatedAt ?? -Infinity);
    for (const a of out.alerts) {
      expect(['tier', 'predictive', 'stale', 'resolve']).toContain(a.kind);
      expect(typeof a.id).toBe('string');
    }
  });

  test('reads standard input with -; a flat account prints no alert and a finite maxRiskRatio', async () => {
    const r = await replayCommand(['-'], JSON.stringify({ account, ticks }));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.alerts).toEqual([]);
    expect(out.liquidatedAt).toBeNull();
    expect(out.maxRiskRatio).toBeGreaterThan(0);
  });

  const bad: Array<[string, string, string]> = [
    ['not JSON', '{"account": ', 'input: not JSON'],
    ['missing ticks', JSON.stringify({ account }), 'ticks:'],
    ['unordered ticks', JSON.stringify({ account, ticks: [ticks[1], ticks[0]] }), 'ticks[1][0]:'],
    ['an unknown symbol', JSON.stringify({ account, ticks: [[T0, { ETHUSDT: 3_000 }]] }), 'ticks[0][1].ETHUSDT:'],
    ['a NaN price', JSON.stringify({ account, ticks: [[T0, { BTCUSDT: 'NaN' }]] }), 'ticks[0][1].BTCUSDT:'],
    ['an infinite price', '{"account": ' + JSON.stringify(account) + ', "ticks": [[1760130000000, {"BTCUSDT": 1e400}]]}', 'ticks[0][1].BTCUSDT:'],
    ['a bad policy field', JSON.stringify({ account, ticks, policy: { quietHours: { start: 'late', end: '07:00' } } }), 'policy.quietHours.start:'],
  ];
  for (const [name, stdin, prefix] of bad) {
    test(`${name}: one line on stderr naming the field, exit 2`, async () => {
      const r = await replayCommand(['-'], stdin);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.startsWith(prefix)).toBe(true);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    });
  }

  test('an unknown flag or a stray argument: one line on stderr, exit 2', async () => {
    for (const [args, message] of [
      [['--bogus-flag', '-'], /^unknown option --bogus-flag; usage: npm run -s replay -- /],
      [['-', 'stray'], /^unexpected argument "stray"; usage: /],
    ] as const) {
      const r = await replayCommand([...args], JSON.stringify({ account, ticks }));
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });

  test('no file given, or a missing file: exit 2', async () => {
    const none = await replayCommand([]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^missing input/);
    const missing = await replayCommand(['no-such-file.json']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^cannot read no-such-file\.json/);
  });

  test('--restart-every SEC: the same output as the straight replay, plus how many restarts it made', async () => {
    const [straight, cut, flagFirst] = await Promise.all([
      replayCommand(['examples/replay-crash.json']),
      replayCommand(['examples/replay-crash.json', '--restart-every', '30']),
      replayCommand(['--restart-every', '600', 'examples/replay-crash.json']),
    ]);
    for (const r of [straight, cut, flagFirst]) {
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    const out = JSON.parse(cut.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['alerts', 'liquidatedAt', 'maxRiskRatio', 'restarts']);
    // One hour of ticks: a cut at each 30 s, at each 600 s.
    expect(out['restarts']).toBe(120);
    expect(JSON.parse(flagFirst.stdout).restarts).toBe(6);
    const { restarts: _r, ...rest } = out;
    expect(rest).toEqual(JSON.parse(straight.stdout));
    expect((rest['alerts'] as unknown[]).length).toBeGreaterThan(3);
  });

  test('--restart-every without seconds > 0: one line naming the flag, exit 2', async () => {
    const runs = await Promise.all([['0'], ['-5'], ['soon'], []].map((v) => replayCommand(['examples/replay-crash.json', '--restart-every', ...v])));
    for (const r of runs) {
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^--restart-every(: expected seconds > 0| needs a value)/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
