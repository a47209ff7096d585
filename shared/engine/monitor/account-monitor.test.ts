import { describe, expect, it } from 'vitest';
import { btcusdtBrackets, ethusdtBrackets } from '../../../tools/test-support/binance-brackets.ts';
import { marginModels } from '../../exchanges/venues.ts';
import { scenarioMarket, scenarioPath } from '../../../tools/market-paths/scenarios.ts';
import { price, qty, ratio, usdt } from '../../units/units.ts';
import type { AlertDecision, AlertRecord } from '../alerts/alert-decision.ts';
import type { Account, Position } from '../positions/account.ts';
import {
  annualisedSigma,
  DEFAULT_VOLATILITY_OPTIONS,
  emptyVolatility,
  rawSigmaPerSqrtMs,
  sigmaPerSqrtSec,
  warmVolatility,
} from '../projection/volatility.ts';
import { createMonitor, monitorStep, viewProjection, type Monitor, type MonitorInput } from './account-monitor.ts';

const START = Date.UTC(2026, 10, 24, 9, 0);
const btc = btcusdtBrackets();
const eth = ethusdtBrackets();
const model = marginModels.binance;

const position = (symbol: string, side: 'long' | 'short', size: number, mark: number, extra: Partial<Position> = {}): Position => ({
  symbol,
  side,
  qty: qty(size),
  entryPrice: price(mark),
  markPrice: price(mark),
  marginMode: 'cross',
  tiers: symbol === 'BTCUSDT' ? btc : eth,
  takerFeeRate: ratio(0.0005),
  ...extra,
});
/** A cross BTC long at `leverage` (notional / wallet), entered at 97,000. */
const btcLong = (leverage: number): Account => ({
  exchange: 'binance',
  walletBalance: usdt(97_000 / leverage),
  positions: [position('BTCUSDT', 'long', 1, 97_000)],
});

interface Played {
  readonly monitor: Monitor;
  readonly decisions: Array<{ t: number; decision: AlertDecision }>;
  /** First tick time at which the account's worst rho reached 1, or null. */
  readonly liquidatedAt: number | null;
}

function play(monitor0: Monitor, inputs: ReadonlyArray<{ t: number; input: MonitorInput }>): Played {
  let monitor = monitor0;
  const decisions: Array<{ t: number; decision: AlertDecision }> = [];
  let liquidatedAt: number | null = null;
  for (const { t, input } of inputs) {
    const step = monitorStep(monitor, input, t);
    monitor = step.monitor;
    for (const decision of step.decisions) decisions.push({ t, decision });
    if (liquidatedAt === null && (monitor.view?.risk.worstRiskRatio ?? 0) >= 1) liquidatedAt = t;
  }
  return { monitor, decisions, liquidatedAt };
}

const ticks = (path: ReadonlyArray<{ t: number; price: number }>, symbol = 'BTCUSDT') =>
  path.map((p) => ({ t: p.t, input: { kind: 'marks', marks: { [symbol]: p.price } } as const }));
const pushed = (played: Played): AlertRecord[] =>
  played.decisions.flatMap(({ decision }) => (decision.kind === 'notify' && decision.alert.channel === 'push' ? [decision.alert] : []));

describe('the monitor on the simulator scenarios', () => {
  const crash = scenarioPath('crash', { startPrice: 97_000, startMs: START, stepMs: 2000, durationMs: 90 * 60_000, seed: 7 });

  it('a crash gives a predictive alert, then tier alerts, all before liquidation', () => {
    const played = play(createMonitor({ account: btcLong(10), model, options: { accountId: 'binance:test' } }), ticks(crash));
    expect(played.liquidatedAt).not.toBeNull();
    const alerts = pushed(played);
    const first = alerts[0];
    expect(first?.kind).toBe('predictive');
    expect(first?.tier).toBe('0.8');
    const marginCall = alerts.find((a) => a.kind === 'tier' && a.tier === '0.8');
    expect(marginCall).toBeDefined();
    expect(first?.t ?? Infinity).toBeLessThan(marginCall?.t ?? -Infinity);
    expect(marginCall?.t ?? Infinity).toBeLessThan(played.liquidatedAt ?? -Infinity);
    // Every alert carries a suggestion and the subject's rho. A forecast may come while rho is still
    // below the target (no top-up back to it is needed): then the odds top-up is the one that helps.
    for (const a of alerts) {
      expect(Math.max(a.topUpUsdt ?? 0, a.oddsTopUpUsdt ?? 0)).toBeGreaterThan(0);
      if ((a.riskRatio ?? 0) > 0.5) expect(a.topUpUsdt).toBeGreaterThan(0);
      expect(Number.isFinite(a.riskRatio)).toBe(true);
    }
  });

  it('is deterministic: the same ticks give the same decisions', () => {
    const a = play(createMonitor({ account: btcLong(10), model }), ticks(crash));
    const b = play(createMonitor({ account: btcLong(10), model }), ticks(crash));
    expect(b.decisions).toEqual(a.decisions);
  });

  it('a calm market and a 3x position raise nothing', () => {
    const calm = scenarioPath('calm', { startPrice: 97_000, startMs: START, stepMs: 5000, durationMs: 12 * 3_600_000, seed: 8 });
    const played = play(createMonitor({ account: btcLong(3), model }), ticks(calm));
    expect(played.decisions.filter(({ decision }) => decision.kind === 'notify')).toEqual([]);
  });

  it('an isolated position is its own subject, with its own id', () => {
    const account: Account = {
      exchange: 'binance',
      walletBalance: usdt(50_000),
      positions: [position('BTCUSDT', 'long', 1, 97_000, { marginMode: 'isolated', isolatedMargin: usdt(9_700) })],
    };
    const played = play(createMonitor({ account, model, options: { accountId: 'x' } }), ticks(crash));
    expect(pushed(played).every((a) => a.subject === 'x:isolated:BTCUSDT:long' && a.id.startsWith('x:isolated:BTCUSDT:long|'))).toBe(true);
    expect(pushed(played).length).toBeGreaterThan(0);
  });
});

describe('monitor inputs', () => {
  const calm = scenarioPath('calm', { startPrice: 97_000, startMs: START, stepMs: 1000, durationMs: 10 * 60_000, seed: 9 });

  it('refuses bad prices and time going back, counting them; nothing NaN reaches the view', () => {
    let monitor = createMonitor({ account: btcLong(10), model });
    monitor = monitorStep(monitor, { kind: 'marks', marks: { BTCUSDT: 97_000 } }, START).monitor;
    const bad = [Number.NaN, -1, 0, Number.POSITIVE_INFINITY];
    for (const p of bad) monitor = monitorStep(monitor, { kind: 'marks', marks: { BTCUSDT: p } }, START + 1000).monitor;
    expect(monitor.state.rejected).toBe(bad.length);
    const back = monitorStep(monitor, { kind: 'marks', marks: { BTCUSDT: 90_000 } }, START - 1);
    expect(back.monitor.state.rejected).toBe(bad.length + 1);
    expect(back.decisions).toEqual([]);
    expect(monitor.view?.risk.riskRatio).toBeCloseTo(back.monitor.view?.risk.riskRatio ?? Number.NaN, 12);
    expect(Number.isFinite(monitor.view?.risk.riskRatio)).toBe(true);
    expect(monitor.account.positions[0]?.markPrice).toBe(97_000);
  });

  it('stale data raises the stale alert; fresh data resolves it', () => {
    const base = createMonitor({ account: btcLong(10), model, options: { accountId: 'b' } });
    const played = play(base, [
      ...ticks(calm.slice(0, 10)),
      { t: START + 40_000, input: { kind: 'stale', since: START + 9000, reason: 'no mark price for 30 s' } },
      { t: START + 50_000, input: { kind: 'recovered' } },
    ]);
    const kinds = played.decisions.filter(({ decision }) => decision.kind !== 'update-badge').map(({ decision }) => (decision.kind === 'notify' ? `notify ${decision.alert.id}` : decision.kind === 'resolve' ? `resolve ${decision.id}` : ''));
    expect(kinds).toEqual([`notify b:feed|stale|${START + 9000}`, `resolve b:feed|stale|${START + 9000}`]);
  });

  it('a top-up as an account update brings rho down and resolves the alert', () => {
    let monitor = createMonitor({ account: btcLong(10), model, options: { accountId: 'c' } });
    // At 10x on BTC the whole ladder sits in the last 0.3 % before liquidation (87,688): 0.8 is near 87,790.
    const fall = monitorStep(monitor, { kind: 'marks', marks: { BTCUSDT: 87_780 } }, START);
    monitor = fall.monitor;
    const alert = fall.decisions.find((d) => d.kind === 'notify' && d.alert.channel === 'push');
    expect(alert?.kind === 'notify' && alert.alert.tier).toBe('0.8');
    const topUp = alert?.kind === 'notify' ? (alert.alert.topUpUsdt ?? 0) : 0;
    const after = monitorStep(monitor, { kind: 'account', account: { ...monitor.account, walletBalance: usdt(monitor.account.walletBalance + topUp) } }, START + 60_000);
    expect(after.monitor.view?.risk.riskRatio).toBeLessThanOrEqual(0.5 + 1e-9);
    expect(after.decisions.some((d) => d.kind === 'resolve' && alert?.kind === 'notify' && d.id === alert.alert.id)).toBe(true);
    // The new account keeps the newest mark, not the one it was sent with.
    const stale = monitorStep(after.monitor, { kind: 'account', account: btcLong(10) }, START + 61_000);
    expect(stale.monitor.account.positions[0]?.markPrice).toBe(87_780);
  });

  it('a clock tick lets a reminder fall due without new prices; a snooze holds it', () => {
    const state = monitorStep(createMonitor({ account: btcLong(10), model, options: { accountId: 'd' } }), { kind: 'marks', marks: { BTCUSDT: 87_780 } }, START).monitor;
    const reminder = monitorStep(state, { kind: 'clock' }, START + 31 * 60_000);
    expect(reminder.decisions.some((d) => d.kind === 'notify' && d.alert.reminder === 1)).toBe(true);
    const snoozed = monitorStep(state, { kind: 'snooze', subject: 'd:cross', untilMs: START + 2 * 3_600_000 }, START + 60_000).monitor;
    expect(monitorStep(snoozed, { kind: 'clock' }, START + 31 * 60_000).decisions.filter((d) => d.kind === 'notify')).toEqual([]);
    expect(monitorStep(snoozed, { kind: 'clock' }, START + 121 * 60_000).decisions.some((d) => d.kind === 'notify')).toBe(true);
  });

  it('warms volatility from history, in the replay shape [t, {symbol: price}]', () => {
    const loud = scenarioPath('crash', { startPrice: 97_000, startMs: START - 3_600_000, stepMs: 10_000, durationMs: 3_600_000, seed: 10 });
    const history = loud.map((p) => [p.t, { BTCUSDT: p.price }] as const);
    const cold = createMonitor({ account: btcLong(10), model });
    const warm = createMonitor({ account: btcLong(10), model, history });
    const sigma = (m: Monitor) =>
      annualisedSigma(sigmaPerSqrtSec(m.state.volatility['BTCUSDT'] ?? emptyVolatility(m.config.volatility), m.config.volatility));
    expect(sigma(warm)).toBeGreaterThan(2 * sigma(cold));
    expect(warm.state.now).toBeNull();
    expect(warm.account.positions[0]?.markPrice).toBe(97_000);
  });
});

describe('cross accounts: the pool is one subject, projected with the coins correlation', () => {
  // Two days of minute marks from the correlated market (shocks share a factor, ~0.64). The
  // independent case plays ETH's own returns in reverse order: the same returns, so the same
  // volatility over the (long) half-life used here, but no longer aligned with BTC's.
  const days = 2;
  const market = scenarioMarket('calm', { startMs: START - days * 86_400_000, stepMs: 60_000, durationMs: days * 86_400_000, seed: 12 });
  const eth = market.ETH.map((p) => p.price as number);
  const reversedEth = eth.map((_, i) => {
    let logPrice = Math.log(eth[0] ?? 1);
    for (let j = 1; j <= i; j += 1) logPrice += Math.log((eth[eth.length - j] ?? 1) / (eth[eth.length - j - 1] ?? 1));
    return Math.exp(logPrice);
  });
  const options = { volatility: { ...DEFAULT_VOLATILITY_OPTIONS, halfLifeMs: 10 * 86_400_000 } };
  const lastBtc = market.BTC[market.BTC.length - 1]?.price ?? 0;

  /** P(liquidation within 24 h) of the pool: 2 BTC long against an ETH position of the same notional. */
  function p24h(ethPrices: readonly number[], ethSide: 'long' | 'short'): number {
    const lastEth = ethPrices[ethPrices.length - 1] ?? 0;
    const history = market.BTC.map((p, i) => [p.t, { BTCUSDT: p.price, ETHUSDT: ethPrices[i] ?? 0 }] as const);
    const account: Account = {
      exchange: 'binance',
      walletBalance: usdt(30_000),
      positions: [position('BTCUSDT', 'long', 2, lastBtc), position('ETHUSDT', ethSide, (2 * lastBtc) / lastEth, lastEth)],
    };
    const s = monitorStep(createMonitor({ account, model, history, options }), { kind: 'clock' }, START).monitor;
    expect(s.view?.facts.map((f) => f.subject)).toEqual(['account:cross']);
    return (s.view === null ? undefined : viewProjection(s.view))?.crossPool?.tiers.find((t) => t.level === 1)?.horizons.find((h) => h.horizonSec === 86_400)?.probability ?? Number.NaN;
  }

  it('the two ETH histories have the same volatility', () => {
    const sigma = (prices: readonly number[]) =>
      rawSigmaPerSqrtMs(warmVolatility(prices.map((price, i) => ({ t: i * 60_000, price })), options.volatility));
    expect(sigma(reversedEth) / sigma(eth)).toBeCloseTo(1, 1);
  });

  it('a long and a short in correlated coins are less risky than in independent ones', () => {
    expect(p24h(eth, 'short')).toBeLessThan(p24h(reversedEth, 'short') / 3);
  });

  it('two longs in correlated coins are riskier than in independent ones', () => {
    expect(p24h(eth, 'long')).toBeGreaterThan(p24h(reversedEth, 'long') * 1.5);
  });
});
