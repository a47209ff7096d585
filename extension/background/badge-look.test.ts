import { describe, expect, it } from 'vitest';
import type { AccountReport } from '../../shared/protocol/account-report.ts';
import { badgeLook } from './badge-look.ts';

const report = (severity: AccountReport['badge']['severity'], tierName: string | null, stale = false): AccountReport =>
  ({ badge: { tier: null, tierName, severity, stale }, feed: { stale: null } }) as unknown as AccountReport;

describe('badgeLook: the worst tier across accounts, with a stale mark', () => {
  it('shows the worst severity, not the last one', () => {
    expect(badgeLook([report('watch', 'Watch'), report('critical', 'Critical'), report('margin-call', 'Margin call')])).toEqual({
      text: 'CR',
      color: '#c40000',
      title: 'Margin Sentry: Critical',
    });
  });
  it('appends "?" when any account is stale, and shows "?" alone below the ladder', () => {
    expect(badgeLook([report('margin-call', 'Margin call'), report(null, null, true)]).text).toBe('MC?');
    expect(badgeLook([report(null, null, true)])).toMatchObject({ text: '?', title: 'Margin Sentry: data stale' });
  });
  it('is empty below the ladder with fresh data', () => {
    expect(badgeLook([report(null, null)])).toMatchObject({ text: '', title: 'Margin Sentry: all accounts below the ladder' });
    expect(badgeLook([])).toMatchObject({ text: '', title: 'Margin Sentry: waiting for data' });
  });
});
