import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { okxMargin } from '../../../shared/exchanges/okx/margin.ts';
import type { AccountReport } from '../../../shared/protocol/account-report.ts';
import { ratio } from '../../../shared/units/units.ts';
import { crashRun } from '../../../tools/test-support/crash-reports.ts';
import type { MonitorData } from '../monitor-feed.ts';
import { OverviewScreen } from './overview-screen.tsx';

const text = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
const run = crashRun(6);
const data = (report: AccountReport): MonitorData => ({
  accounts: [{ accountId: report.account.accountId, label: 'OKX demo', report, restored: false, at: 1_000 }],
  trails: new Map(),
  alerts: [],
  acknowledged: new Set(),
  problems: [],
});

describe('the Overview screen', () => {
  // Seen in CI: after the crash took OKX's cross positions, its account line read "mgnRatio undefined (past liquidation)".
  it('writes the account line of an account with no cross requirement as such, not as past liquidation', () => {
    const report = run.reports[0]!;
    const noCross: AccountReport = { ...report, account: { ...report.account, riskRatio: ratio(0), venueRatio: okxMargin.venueRatio(0) } };
    const line = text(renderToStaticMarkup(<OverviewScreen data={data(noCross)} now={1_000} />));
    expect(line).toContain('mgnRatio none (no maintenance requirement)');
    expect(line).not.toMatch(/NaN|Infinity|undefined|null/);
  });

  it('writes a pool past liquidation as such', () => {
    const report = run.reports[0]!;
    const gone: AccountReport = { ...report, account: { ...report.account, riskRatio: null, venueRatio: okxMargin.venueRatio(Number.POSITIVE_INFINITY) } };
    const line = text(renderToStaticMarkup(<OverviewScreen data={data(gone)} now={1_000} />));
    expect(line).toContain('mgnRatio past liquidation');
    expect(line).not.toMatch(/NaN|Infinity|undefined|null/);
  });
});
