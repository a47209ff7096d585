import { describe, expect, it } from 'vitest';
import { binanceDemoAccountJson, CRASH_START, scenarioSeries, type Series } from '../../tools/test-support/replay-documents.ts';
import { evaluateAccount } from '../engine/margin/evaluate-account.ts';
import { parseAccountInput } from '../exchanges/parse-account-input.ts';
import { marginModels, venueAdapters } from '../exchanges/venues.ts';
import { parseReplayDocument } from './parse-replay-document.ts';
import type { ReplayAlert } from './replay-alert.ts';
import { replay, runReplay, type ReplayResult } from './replay.ts';
import { isFieldError } from '../units/field-error.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 12, 9, 0); // 09:00 UTC

/** A 10x BTC long, cross, one flat bracket: the whole ladder sits in the last few % before liquidation. */
const btcLong = (exchange = 'binance') => ({
  exchange,
  walletBalance: 9_700,
  positions: [{ symbol: 'BTCUSDT', side: 'long', qty: 1, entryPrice: 97_000, markPrice: 97_000, marginMode: 'cross', tiers: [{ floor: 0, mmr: 0.004 }] }],
});

/** The engine's tier prices for that account (to place ticks inside a tier, not to check results). */
function tierPricesOf(account: unknown): Record<string, number> {
  const input = parseAccountInput(account);
  if (isFieldError(input)) throw new Error(input.field);
  const risk = evaluateAccount(input.account, marginModels[input.account.exchange]);
  return Object.fromEntries(Object.entries(risk.positions[0]?.tierPrices ?? {}).map(([k, v]) => [k, v ?? Number.NaN]));
}

/**
 * Plays a document straight, and proves the snapshot on it on the way: restarted before every step,
 * and every minute of exchange time, the monitor gives the same result.
 */
function run(document: unknown): ReplayResult {
  const r = replay(document);
  if (isFieldError(r)) throw new Error(`${r.field}: ${r.message}`);
  const parsed = parseReplayDocument(document);
  if (isFieldError(parsed)) throw new Error(parsed.field);
  const everyStep = runReplay(parsed, () => true);
  const everyMinute = replay(document, { restartEverySec: 60 });
  expect(everyStep.restarts).toBeGreaterThan(0);
  expect({ ...everyStep, restarts: 0 }).toEqual(r);
  expect(isFieldError(everyMinute) ? everyMinute : { ...everyMinute, restarts: 0 }).toEqual(r);
  return r;
}

const every = (fromMs: number, stepMs: number, count: number, price: (i: number) => number): Series =>
  Array.from({ length: count }, (_, i) => [fromMs + i * stepMs, { BTCUSDT: price(i) }]);
const line = (a: ReplayAlert) => [a.t, a.kind, a.kind === 'resolve' ? a.reason : a.kind === 'stale' ? null : a.tier];
const pushed = (r: ReplayResult) => r.alerts.filter((a) => a.kind !== 'resolve' && a.channel === 'push');

describe('replay on the simulator scenarios', () => {
  const span = { startMs: CRASH_START, stepMs: 5_000, durationMs: 60 * MIN, seed: 42 };

  it('a crash raises a pushed tier alert before liquidation, with its suggestions', () => {
    const r = run({ account: binanceDemoAccountJson(), ticks: scenarioSeries('crash', span) });
    expect(r.liquidatedAt).not.toBeNull();
    const marginCall = r.alerts.find((a) => a.kind === 'tier' && a.tier === '0.8' && a.channel === 'push');
    expect(marginCall?.t ?? Infinity).toBeLessThan(r.liquidatedAt ?? -Infinity);
    if (marginCall?.kind !== 'tier') throw new Error('no margin call');
    expect(marginCall.topUp).toBeGreaterThan(0);
    expect(marginCall.riskRatio).toBeGreaterThanOrEqual(0.8);
    // Times never go back, and the ids are the monitor's (subject, kind, tier, episode start).
    expect(r.alerts.map((a) => a.t)).toEqual([...r.alerts.map((a) => a.t)].sort((a, b) => a - b));
    expect(['account:cross', 'account:isolated:SOLUSDT:long']).toContain(marginCall.subject);
    expect(marginCall.id).toBe(`${marginCall.subject}|tier|0.8|${marginCall.t}`);
  });

  it('a crash: maxRiskRatio is null once equity is gone (rho unbounded), liquidatedAt stays the first tick at 1', () => {
    const r = run({ account: btcLong(), ticks: every(T0, 5_000, 4, (i) => 97_000 * (1 - 0.2 * i)) });
    expect(r.liquidatedAt).toBe(T0 + 5_000);
    expect(r.maxRiskRatio).toBeNull();
  });

  it('a flat path raises nothing; maxRiskRatio is the account as it stands', () => {
    const r = run({ account: btcLong(), ticks: every(T0, 5_000, 2_000, () => 97_000) });
    expect(r.alerts).toEqual([]);
    expect(r.liquidatedAt).toBeNull();
    const input = parseAccountInput(btcLong());
    if (isFieldError(input)) throw new Error(input.field);
    expect(r.maxRiskRatio).toBe(evaluateAccount(input.account, marginModels.binance).worstRiskRatio);
  });

  it('a calm market at 3x leverage pushes nothing', () => {
    const account = { ...binanceDemoAccountJson(), walletBalance: 100_000 };
    const r = run({ account, ticks: scenarioSeries('calm', { ...span, durationMs: 4 * 60 * MIN, stepMs: 10_000 }), staleAfterMs: null });
    expect(pushed(r)).toEqual([]);
  });
});

describe('time between ticks', () => {
  it('a gap longer than the venue stale bound raises the stale alert at the bound, resolved by the next mark', () => {
    const bound = venueAdapters.binance.timing.markStaleAfterMs;
    const before = every(T0, 1_000, 10, () => 97_000);
    const lastT = T0 + 9_000;
    const after = every(lastT + 3 * bound, 1_000, 5, () => 97_000);
    const r = run({ account: btcLong(), accountId: 'b', ticks: [...before, ...after] });
    expect(r.alerts.map(line)).toEqual([
      [lastT + bound, 'stale', null],
      [lastT + 3 * bound, 'resolve', 'data-fresh'],
    ]);
    expect(r.alerts.map((a) => a.id)).toEqual([`b:feed|stale|${lastT}`, `b:feed|stale|${lastT}`]);
  });

  it('a gap of exactly the bound is no gap; a null bound never goes stale', () => {
    const bound = venueAdapters.binance.timing.markStaleAfterMs;
    expect(run({ account: btcLong(), ticks: every(T0, bound, 20, () => 97_000) }).alerts).toEqual([]);
    expect(run({ account: btcLong(), staleAfterMs: null, ticks: every(T0, 10 * bound, 20, () => 97_000) }).alerts).toEqual([]);
  });

  it("the bound is the venue's: 20 s of silence is stale on Binance (10 s), not on OKX (30 s)", () => {
    expect(venueAdapters.okx.timing.markStaleAfterMs).toBeGreaterThan(20_000);
    const ticks = every(T0, 20_000, 3, () => 97_000);
    expect(run({ account: btcLong('binance'), ticks }).alerts.map((a) => a.kind)).toEqual(['stale', 'resolve', 'stale', 'resolve']);
    expect(run({ account: btcLong('okx'), ticks }).alerts).toEqual([]);
  });

  it('each symbol has its own silence: ETH falling quiet is stale even while BTC ticks, until ETH speaks', () => {
    const account = {
      ...btcLong(),
      walletBalance: 50_000,
      positions: [...btcLong().positions, { symbol: 'ETHUSDT', side: 'short', qty: 1, entryPrice: 3_400, markPrice: 3_400, marginMode: 'cross', tiers: [{ floor: 0, mmr: 0.005 }] }],
    };
    const ticks: Series = [
      [T0, { BTCUSDT: 97_000, ETHUSDT: 3_400 }],
      ...every(T0 + 1_000, 1_000, 30, () => 97_000),
      [T0 + 31_000, { ETHUSDT: 3_401 }],
    ];
    const r = run({ account, ticks });
    expect(r.alerts.map(line)).toEqual([
      [T0 + 10_000, 'stale', null],
      [T0 + 31_000, 'resolve', 'data-fresh'],
    ]);
    expect(r.alerts[0]?.kind === 'stale' && r.alerts[0].reason).toContain('ETHUSDT');
  });

  it('reminders fall due at their own time between sparse ticks, not at the next tick', () => {
    const prices = tierPricesOf(btcLong());
    const inMarginCall = ((prices['0.8'] ?? 0) + (prices['0.9'] ?? 0)) / 2;
    const r = run({ account: btcLong(), staleAfterMs: null, ticks: every(T0, 20 * MIN, 7, () => inMarginCall) });
    const marginCall = r.alerts.filter((a) => a.kind === 'tier' && a.tier === '0.8');
    // Grace 30 min, then every 60 min (the default ladder); ticks come at 0, 20, 40, ... min.
    expect(marginCall.map((a) => [(a.t - T0) / MIN, a.kind === 'tier' ? a.reminder : -1])).toEqual([[0, 0], [30, 1], [90, 2]]);
  });

  it('quiet hours hold a Margin call until they end, then it goes out at that minute', () => {
    const prices = tierPricesOf(btcLong());
    const inMarginCall = ((prices['0.8'] ?? 0) + (prices['0.9'] ?? 0)) / 2;
    const policy = { quietHours: { start: '08:00', end: '10:15', utcOffsetMinutes: 60 } }; // 07:00-09:15 UTC
    const r = run({ account: btcLong(), staleAfterMs: null, policy, ticks: every(T0, 60 * MIN, 3, () => inMarginCall) });
    const marginCall = r.alerts.filter((a) => a.kind === 'tier' && a.tier === '0.8');
    expect(marginCall.map((a) => (a.t - T0) / MIN)).toEqual([15, 45, 105]);
  });

  it('policy overrides reach the monitor: a higher predictive threshold warns later or not at all', () => {
    const ticks = scenarioSeries('crash', { startMs: CRASH_START, stepMs: 5_000, durationMs: 60 * MIN, seed: 42 });
    const first = (r: ReplayResult) => r.alerts.find((a) => a.kind === 'predictive')?.t ?? Infinity;
    const base = run({ account: binanceDemoAccountJson(), ticks });
    const strict = run({
      account: binanceDemoAccountJson(),
      ticks,
      policy: { ladder: [{ level: 0.5 }, { level: 0.8, predict: { horizonSec: 3600, threshold: 0.95 } }, { level: 0.9 }, { level: 1 }] },
    });
    expect(first(base)).toBeLessThan(Infinity);
    expect(first(strict)).toBeGreaterThan(first(base));
  });
});

describe('refusals name the field', () => {
  const ticks = every(T0, 1_000, 3, () => 97_000);
  const cases: Array<[string, unknown, string]> = [
    ['not an object', [], 'input'],
    ['an unknown field', { account: btcLong(), ticks, tick: [] }, 'tick'],
    ['no account', { ticks }, 'account'],
    ['a bad account field', { account: { ...btcLong(), walletBalance: 'lots' }, ticks }, 'account.walletBalance'],
    ['a bad position', { account: { ...btcLong(), positions: [{ ...btcLong().positions[0], qty: -1 }] }, ticks }, 'account.positions[0].qty'],
    ['no ticks', { account: btcLong() }, 'ticks'],
    ['no tick at all', { account: btcLong(), ticks: [] }, 'ticks'],
    ['unordered ticks', { account: btcLong(), ticks: [ticks[1], ticks[0]] }, 'ticks[1][0]'],
    ['an unknown symbol', { account: btcLong(), ticks: [[T0, { DOGEUSDT: 0.2 }]] }, 'ticks[0][1].DOGEUSDT'],
    ['a NaN price', { account: btcLong(), ticks: [[T0, { BTCUSDT: 'NaN' }]] }, 'ticks[0][1].BTCUSDT'],
    ['history after the first tick', { account: btcLong(), ticks, history: [[T0 + 1, { BTCUSDT: 1 }]] }, 'history[0][0]'],
    ['a bad history price', { account: btcLong(), ticks, history: [[T0 - 1, { BTCUSDT: -1 }]] }, 'history[0][1].BTCUSDT'],
    ['a bad policy field', { account: btcLong(), ticks, policy: { hysteresis: 2 } }, 'policy.hysteresis'],
    ['a bad stale bound', { account: btcLong(), ticks, staleAfterMs: 0 }, 'staleAfterMs'],
    ['an empty account id', { account: btcLong(), ticks, accountId: '' }, 'accountId'],
  ];
  for (const [name, document, field] of cases) {
    it(`${name}: ${field}`, () => {
      const r = replay(document);
      expect(isFieldError(r) ? r.field : 'accepted').toBe(field);
    });
  }
});
