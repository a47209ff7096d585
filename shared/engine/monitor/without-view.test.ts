import { describe, expect, it } from 'vitest';
import { btcusdtBrackets } from '../../../tools/test-support/binance-brackets.ts';
import { scenarioPath } from '../../../tools/market-paths/scenarios.ts';
import { marginModels } from '../../exchanges/venues.ts';
import { price, qty, ratio, usdt } from '../../units/units.ts';
import type { AlertDecision, SubjectFacts } from '../alerts/alert-decision.ts';
import { DEFAULT_ALERT_POLICY, levelKey } from '../alerts/alert-ladder.ts';
import type { Account } from '../positions/account.ts';
import { createMonitor, monitorStep, withoutView, type Monitor, type MonitorInput } from './account-monitor.ts';

const START = Date.UTC(2026, 10, 24, 9, 0);
/** A funding payment 20 minutes after the crash's marks: a clock step after it evaluates otherwise than one before. */
const FUNDING_AT = START + 11 * 60_000 + 20 * 60_000;

const account: Account = {
  exchange: 'binance',
  walletBalance: usdt(9_700),
  positions: [{ symbol: 'BTCUSDT', side: 'long', qty: qty(1), entryPrice: price(97_000), markPrice: price(97_000), marginMode: 'cross', tiers: btcusdtBrackets(), takerFeeRate: ratio(0.0005) }],
};

/** Ten calm minutes, the fall into Margin call with a funding payment announced, then inputs that bring no marks. */
function inputs(): { t: number; input: MonitorInput }[] {
  const calm = scenarioPath('calm', { startPrice: 97_000, startMs: START, stepMs: 1_000, durationMs: 10 * 60_000, seed: 4 });
  const funding = { BTCUSDT: { rate: 0.0003, timeMs: FUNDING_AT } };
  const crash = START + 11 * 60_000;
  return [
    ...calm.map((p) => ({ t: p.t, input: { kind: 'marks', marks: { BTCUSDT: p.price } } as const })),
    { t: crash, input: { kind: 'marks', marks: { BTCUSDT: 87_780 }, funding } },
    { t: crash + 1_000, input: { kind: 'stale', since: crash, reason: 'no mark price for 30 s' } },
    { t: crash + 5_000, input: { kind: 'recovered' } },
    // After the funding payment, and late enough for the tier's reminder.
    { t: crash + 31 * 60_000, input: { kind: 'clock' } },
    { t: crash + 32 * 60_000, input: { kind: 'snooze', subject: 'w:cross', untilMs: crash + 40 * 60_000 } },
    { t: crash + 41 * 60_000, input: { kind: 'clock' } },
    { t: crash + 41 * 60_000 + 1_000, input: { kind: 'marks', marks: { BTCUSDT: 87_700 } } },
  ];
}

/**
 * A subject's facts as plain data: its fields, and what its searches answer for every ladder level
 * (the searches keep their answers, so the JSON of a view shows only those asked so far).
 */
const answered = ({ searches, ...fields }: SubjectFacts) => ({
  ...fields,
  reach: DEFAULT_ALERT_POLICY.ladder.map((rule) => searches.reach(levelKey(rule.level)) ?? null),
  oddsTopUpUsdt: searches.oddsTopUpUsdt(),
  protectiveStop: searches.protectiveStop(),
  odds: searches.odds(),
  marks: searches.marks(),
});

/** The monitor through `inputs`, its view let go after every step or kept; the view after each step, and every decision. */
function play(letGo: boolean): { decisions: AlertDecision[][]; views: { t: number; facts: unknown; riskRatio: number }[]; last: Monitor } {
  let monitor = createMonitor({ account, model: marginModels.binance, options: { accountId: 'w' } });
  const decisions: AlertDecision[][] = [];
  const views: { t: number; facts: unknown; riskRatio: number }[] = [];
  for (const { t, input } of inputs()) {
    const step = monitorStep(monitor, input, t);
    const view = step.monitor.view!;
    decisions.push([...step.decisions]);
    views.push({ t: view.t, facts: JSON.parse(JSON.stringify(view.facts.map(answered))), riskRatio: view.risk.riskRatio });
    monitor = letGo ? withoutView(step.monitor) : step.monitor;
  }
  return { decisions, views, last: monitor };
}

describe('a monitor without its view (withoutView, what the relay keeps between steps)', () => {
  it('decides and evaluates exactly as one that kept it: marks, a stale fact, a recovery, clock ticks after a funding payment, a snooze', () => {
    const kept = play(false);
    const letGo = play(true);
    expect(letGo.decisions).toEqual(kept.decisions);
    expect(letGo.views).toEqual(kept.views);
    // Not vacuous: the sequence alerts, reminds, and its clock steps come after the payment.
    const notices = kept.decisions.flat().filter((d) => d.kind === 'notify');
    expect(notices.some((d) => d.kind === 'notify' && d.alert.reminder === 1)).toBe(true);
    const clockAt = inputs().find((x) => x.input.kind === 'clock')!.t;
    expect(clockAt).toBeGreaterThan(FUNDING_AT);
  });

  it('a step on the same marks makes the view again at its own time, not at the step', () => {
    const { last } = play(true);
    expect(last.view).toBeNull();
    const at = last.kept!.t;
    const clock = monitorStep(last, { kind: 'clock' }, at + 3_600_000).monitor;
    expect(clock.view!.t).toBe(at);
    expect(clock.kept).toBeNull();
  });

  it('keeps the curve memo: the next mark on the same estimates reuses it', () => {
    let monitor = createMonitor({ account, model: marginModels.binance, options: { accountId: 'w' } });
    monitor = monitorStep(monitor, { kind: 'marks', marks: { BTCUSDT: 97_000 } }, START).monitor;
    const memo = monitor.view!.curves;
    const shed = withoutView(monitor);
    expect(shed.view).toBeNull();
    expect(shed.kept!.curves).toBe(memo);
    // One second later: no minute return yet, the same volatility and shape records.
    const next = monitorStep(shed, { kind: 'marks', marks: { BTCUSDT: 96_990 } }, START + 1_000).monitor;
    expect(next.view!.curves).toBe(memo);
  });

  it('gives a monitor without a view back as it is', () => {
    const fresh = createMonitor({ account, model: marginModels.binance });
    expect(withoutView(fresh)).toBe(fresh);
  });
});
