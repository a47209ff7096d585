import type { Severity } from '../../shared/engine/alerts/alert-ladder.ts';
import type { AlertFigures, RiskAlertEntry } from '../../shared/protocol/alert-log.ts';
import { epochMs, price, ratio, usdt } from '../../shared/units/units.ts';

/**
 * An open, pushed tier alert as the alert log holds it (first notice at t = 1000 ms, 1,000 USDT of
 * equity, BTCUSDT's mark), for the tests of what shows or sends one: each names only what it reads.
 */
export function tierAlertEntry(o: {
  readonly subject: string;
  readonly tier: string;
  readonly tierName: string;
  readonly severity: Severity;
  readonly riskRatio: number;
  readonly topUpUsdt: number;
  readonly markPrice: number;
  readonly id?: string;
  readonly figures?: Partial<AlertFigures>;
}): RiskAlertEntry {
  return {
    kind: 'tier',
    id: o.id ?? `${o.subject}|tier|${o.tier}|1000`,
    subject: o.subject,
    severity: o.severity,
    channel: 'push',
    openedAt: epochMs(1000),
    lastNotifiedAt: epochMs(1000),
    reminders: 0,
    supersedes: [],
    resolved: null,
    tier: o.tier,
    tierName: o.tierName,
    figures: {
      riskRatio: ratio(o.riskRatio),
      equityUsdt: usdt(1000),
      requirementUsdt: usdt(1000 * o.riskRatio),
      forecast: null,
      topUpUsdt: usdt(o.topUpUsdt),
      oddsTopUpUsdt: usdt(0),
      reduction: null,
      protectiveStop: null,
      marks: { BTCUSDT: price(o.markPrice) },
      ...o.figures,
    },
  };
}
