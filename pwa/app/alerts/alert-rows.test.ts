import { describe, expect, it } from 'vitest';
import { crashRun } from '../../../tools/test-support/crash-reports.ts';
import { alertNotification } from '../../../shared/protocol/alert-notification.ts';
import { epochMs } from '../../../shared/units/units.ts';
import { alertRows, nextText } from './alert-rows.ts';

/** The alert history from the real log of the crash run. */
const { log } = crashRun(6);
const items = log.entries.map((entry) => ({ accountId: 'binance:demo', label: 'Binance demo', entry }));

describe('alertRows', () => {
  it('newest first, each with its numbers, the top-up the notification names', () => {
    const rows = alertRows(items, new Set());
    expect(rows.length).toBe(log.entries.length);
    expect(rows.map((r) => r.openedAt)).toStrictEqual([...rows.map((r) => r.openedAt)].sort((a, b) => b - a));
    for (const row of rows) {
      const entry = log.entries.find((e) => e.id === row.id)!;
      expect(row.numbers.join(' ')).not.toMatch(/NaN|Infinity|undefined/);
      if (entry.kind !== 'stale' && entry.figures.topUpUsdt > 0) {
        const amount = entry.figures.topUpUsdt.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
        expect(row.numbers.some((n) => n.includes(amount))).toBe(true);
        expect(alertNotification(entry, { accountLabel: 'Binance demo' }).body).toContain(amount);
      }
      if (entry.kind !== 'stale' && entry.figures.oddsTopUpUsdt > entry.figures.topUpUsdt) {
        const odds = entry.figures.oddsTopUpUsdt.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
        expect(row.numbers.some((n) => n.startsWith('for 1 % liquidation odds in 24 h') && n.includes(odds))).toBe(true);
        expect(alertNotification(entry, { accountLabel: 'Binance demo' }).body).toContain(`add ${odds} USDT`);
      }
      if (entry.kind !== 'stale' && entry.figures.protectiveStop !== null) expect(row.numbers.some((n) => n.startsWith('stop '))).toBe(true);
    }
  });

  it('says what happened next: still open, or how it ended and after how long', () => {
    const resolved = log.entries.find((e) => e.resolved !== null)!;
    expect(nextText(resolved)).toMatch(/^Over after \d/);
    expect(nextText({ ...resolved, resolved: null })).toMatch(/^Still open/);
    expect(nextText({ ...resolved, resolved: { at: epochMs(resolved.openedAt + 90_000), reason: 'closed' }, reminders: 2 })).toBe('Over after 2 min after 2 reminders: the position was closed');
  });

  // Seen on the Alerts screen after a reload: "cross margin · binance:demo" (the stored alerts know only their account id).
  it('names the account as the trader does, also for alerts read back from the store', () => {
    const stored = items.map((i) => ({ ...i, label: i.accountId }));
    const rows = alertRows(stored, new Set(), new Map([['binance:demo', 'Binance demo']]));
    expect(rows.every((r) => r.where.endsWith(' · Binance demo'))).toBe(true);
    expect(alertRows(stored, new Set(), new Map())[0]!.where).toMatch(/ · binance:demo$/);
  });

  it('marks acknowledged ids', () => {
    const id = items[0]!.entry.id;
    expect(alertRows(items, new Set([id])).find((r) => r.id === id)?.acknowledged).toBe(true);
  });
});
