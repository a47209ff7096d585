import { describe, expect, it } from 'vitest';
import { createMonitor, monitorStep } from '../monitor/account-monitor.ts';
import { marginModels } from '../../exchanges/venues.ts';
import { probabilityWithin } from '../projection/tier-outlook.ts';
import { pushes, runPolicy, subjectFactsAt } from '../../../tools/test-support/alert-facts.ts';
import { accountFor } from '../../../tools/backtest/backtest-accounts.ts';
import { backtestPath } from '../../../tools/backtest/backtest-paths.ts';
import type { SubjectFacts } from './alert-decision.ts';
import { LEAVE_BAND } from './effective-tier.ts';
import { DEFAULT_ALERT_POLICY } from './alert-ladder.ts';
import { reentryPeriodMs } from './subject-alerts.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 24, 12, 0);

/** Facts at rho with P(touching Liquidation within the band's horizon) = p15. */
function nearLiquidation(rho: number, p15: number): SubjectFacts {
  const facts = subjectFactsAt(rho);
  const horizons = [{ horizonSec: LEAVE_BAND.horizonSec, probability: rho >= 1 ? 1 : p15 }];
  const { reach, probability, probabilitySide } = facts.searches;
  const liquidation = { medianTimeSec: 600, horizons };
  return {
    ...facts,
    searches: {
      ...facts.searches,
      reach: (key) => (key === '1' ? liquidation : reach(key)),
      probability: (key, h) => (key === '1' ? probabilityWithin(liquidation, h) : probability(key, h)),
      probabilitySide: (key, h, cutoff) => (key === '1' ? probabilityWithin(liquidation, h) : probabilitySide(key, h, cutoff)),
    },
  };
}

describe('the hysteresis band in price (issue 13, ask 7)', () => {
  const jitter = [1.0, 0.96, 1.01, 0.95, 1.0, 0.96, 1.02];
  const run = (p15: number) =>
    runPolicy(jitter.map((rho, m) => ({ t: T0 + m * MIN, subjects: [nearLiquidation(rho, p15)] })));

  it('does not leave Liquidation while the level is still likely within 15 min: one notice, not four', () => {
    expect(pushes(run(0.8)).filter((a) => a.kind === 'tier' && a.tier === '1')).toHaveLength(1);
  });

  it('leaves it through the rho band once the level is far in price, and a re-entry waits a reminder period', () => {
    const far = run(0.1);
    // The badge follows the tier: in Liquidation four times (the rho band let it out three times)...
    expect(far.log.filter(({ decision }) => decision.kind === 'update-badge' && decision.tier === '1')).toHaveLength(4);
    // ...but the trader hears of it once in 7 minutes.
    expect(pushes(far).filter((a) => a.kind === 'tier' && a.tier === '1')).toHaveLength(1);
  });

  it('re-entering Liquidation is announced again once the ladder\'s shortest reminder period (15 min) has passed', () => {
    expect(reentryPeriodMs(DEFAULT_ALERT_POLICY.ladder, 3)).toBe(15 * MIN);
    expect(reentryPeriodMs(DEFAULT_ALERT_POLICY.ladder, 1)).toBe(60 * MIN);
    const ticks = [...jitter.map((rho, m) => [m, rho] as const), ...Array.from({ length: 15 }, (_, m) => [7 + m, 1.01] as const)];
    const liquidation = pushes(runPolicy(ticks.map(([m, rho]) => ({ t: T0 + m * MIN, subjects: [nearLiquidation(rho, 0.1)] }))))
      .filter((a) => a.kind === 'tier' && a.tier === '1')
      .map((a) => [(a.t - T0) / MIN, a.reminder]);
    // First at 0; back at 6 and still there: announced at 15 (a new id), not at 2, 4 or 6.
    expect(liquidation).toEqual([[0, 0], [15, 0]]);
  });

  it('a 12x isolated long on trend paths is told of Liquidation at most once per 15 min, and far less often', { timeout: 60_000 }, () => {
    // The case of the issue: a steady fall with noise, the position left unliquidated by nobody acting.
    let entries = 0;
    let worstIn15Min = 0;
    for (let seed = 1; seed <= 6; seed += 1) {
      const path = backtestPath('trend', seed);
      const account = accountFor({ leverage: 12, shape: 'isolated-long' }, path.ticks[0]?.[1] ?? {});
      let monitor = createMonitor({ account, model: marginModels.binance, history: path.history, options: { accountId: 'a' } });
      const times: number[] = [];
      for (const [t, marks] of path.ticks) {
        const step = monitorStep(monitor, { kind: 'marks', marks }, t);
        monitor = step.monitor;
        for (const d of step.decisions) if (d.kind === 'notify' && d.alert.kind === 'tier' && d.alert.tier === '1' && d.alert.reminder === 0) times.push(t);
      }
      entries += times.length;
      for (const t of times) worstIn15Min = Math.max(worstIn15Min, times.filter((u) => u >= t && u < t + 15 * MIN).length);
    }
    // Measured: 16 notices, 5 within 15 min, with the rho band alone; 10 and 2 with the price band; 10 and
    // 1 with the re-entry period as well (a Liquidation notice at most once per 15 min).
    expect(entries).toBeLessThanOrEqual(10);
    expect(worstIn15Min).toBe(1);
  });
});
