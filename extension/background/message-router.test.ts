import { describe, expect, it } from 'vitest';
import { emptyAlertLog } from '../../shared/protocol/alert-log.ts';
import type { HandlerMap } from './handler.ts';
import { HANDLERS } from './handler-map.ts';
import { route, senderKind } from './message-router.ts';
import type { Sentry } from './sentry.ts';
import { DEFAULT_SETTINGS } from '../settings.ts';
import type { AccountReport } from '../../shared/protocol/account-report.ts';

const ID = 'abcdefghijklmnopabcdefghijklmnop';
const ORIGIN = `chrome-extension://${ID}/`;

/** A sentry that records what the handlers asked of it. */
function fakeSentry(reports: AccountReport[] = []) {
  const calls: string[] = [];
  const sentry: Sentry = {
    init: async () => undefined,
    settings: () => DEFAULT_SETTINGS,
    saveSettings: async (s) => void calls.push(`save ${s.demo.simulatorUrl}`),
    reports: () => reports,
    snooze: (subject, minutes) => (subject.startsWith('binance:demo:') ? (calls.push(`snooze ${subject} ${minutes}`), 1_000) : null),
    saveAll: async () => undefined,
    notificationLog: async () => [],
    onNotificationButton: async () => undefined,
    onNotificationClicked: async () => undefined,
    subscribe: () => () => undefined,
    listAccounts: async () => [],
    addAccount: async (r) => (calls.push(`add ${r.venue} ${r.label}`), { id: `${r.venue}:main` }),
    unlockAccounts: async () => ({ refusal: 'locked' }),
    removeAccount: async () => false,
  };
  return { sentry, calls };
}

const report = (venue: 'binance' | 'okx') => ({ kind: 'account-report', account: { venue, accountId: `${venue}:demo` }, alerts: emptyAlertLog.entries }) as unknown as AccountReport;

describe('senderKind: who may talk to the worker', () => {
  it('our pages by origin (in a tab or not), content scripts by tab, anyone else is foreign', () => {
    expect(senderKind({ id: ID, url: `${ORIGIN}popup/popup.html` }, ID, ORIGIN)).toBe('extension-page');
    expect(senderKind({ id: ID, url: `${ORIGIN}options/options.html`, tab: { id: 3 } }, ID, ORIGIN)).toBe('extension-page');
    expect(senderKind({ id: ID, url: 'https://www.binance.com/en/futures/BTCUSDT', tab: { id: 4 } }, ID, ORIGIN)).toBe('content-script');
    expect(senderKind({ id: 'another-extension', url: `chrome-extension://another-extension/x.html` }, ID, ORIGIN)).toBe('foreign');
    expect(senderKind({ id: ID, url: 'https://evil.example/' }, ID, ORIGIN)).toBe('foreign');
  });
});

describe('route: one handler map, typed refusals', () => {
  it('answers a page with every account and an overlay with its venue only', async () => {
    const { sentry } = fakeSentry([report('binance'), report('okx')]);
    const all = await route({ kind: 'get-reports' }, 'extension-page', HANDLERS, { sentry });
    expect(all).toMatchObject({ kind: 'reports', reports: [{ account: { venue: 'binance' } }, { account: { venue: 'okx' } }] });
    const okx = await route({ kind: 'get-venue-reports', venue: 'okx' }, 'content-script', HANDLERS, { sentry });
    expect(okx).toMatchObject({ kind: 'reports', reports: [{ account: { venue: 'okx' } }] });
    expect(okx.kind === 'reports' && okx.reports).toHaveLength(1);
  });

  it('a content script may not read or change settings, snooze, or read the notification log', async () => {
    const { sentry, calls } = fakeSentry();
    for (const message of [
      { kind: 'get-settings' },
      { kind: 'save-settings', settings: DEFAULT_SETTINGS },
      { kind: 'snooze', subject: 'binance:demo:cross', minutes: 60 },
      { kind: 'get-notification-log' },
      { kind: 'get-reports' },
      { kind: 'list-accounts' },
      { kind: 'add-account', venue: 'binance', label: 'main', target: 'venue', access: { apiKey: 'k', apiSecret: 's' }, passphrase: 'long enough' },
      { kind: 'unlock-accounts', passphrase: 'long enough' },
    ]) {
      expect(await route(message, 'content-script', HANDLERS, { sentry })).toEqual({
        kind: 'refused',
        reason: 'not-allowed',
        detail: `$.kind: a content script may not send "${message.kind}"`,
      });
    }
    expect(calls).toEqual([]);
  });

  it('refuses foreign senders, malformed and unknown messages, naming the field', async () => {
    const { sentry } = fakeSentry();
    const ctx = { sentry };
    expect(await route({ kind: 'get-reports' }, 'foreign', HANDLERS, ctx)).toMatchObject({ kind: 'refused', reason: 'not-allowed' });
    expect(await route('get-reports', 'extension-page', HANDLERS, ctx)).toEqual({ kind: 'refused', reason: 'malformed', detail: '$: expected an object' });
    expect(await route({ kind: 7 }, 'extension-page', HANDLERS, ctx)).toEqual({ kind: 'refused', reason: 'malformed', detail: '$.kind: expected a string' });
    expect(await route({ kind: 'get-api-key' }, 'extension-page', HANDLERS, ctx)).toEqual({ kind: 'refused', reason: 'unknown-kind', detail: '$.kind: no request "get-api-key"' });
    expect(await route({ kind: 'get-venue-reports', venue: 'ftx' }, 'content-script', HANDLERS, ctx)).toMatchObject({ reason: 'malformed', detail: expect.stringContaining('$.venue') });
    expect(await route({ kind: 'snooze', subject: 'binance:demo:cross', minutes: Number.NaN }, 'extension-page', HANDLERS, ctx)).toMatchObject({
      reason: 'malformed',
      detail: '$.minutes: expected a number from 1 to 1440',
    });
  });

  it('checks settings field by field before saving; a handler that throws becomes a refusal', async () => {
    const { sentry, calls } = fakeSentry();
    const bad = { ...DEFAULT_SETTINGS, demo: { enabled: true, simulatorUrl: 'http://10.0.0.5:8780' } };
    expect(await route({ kind: 'save-settings', settings: bad }, 'extension-page', HANDLERS, { sentry })).toEqual({
      kind: 'refused',
      reason: 'malformed',
      detail: '$.settings.demo.simulatorUrl: expected http://127.0.0.1:<port>',
    });
    const good = { ...DEFAULT_SETTINGS, demo: { enabled: true, simulatorUrl: 'http://127.0.0.1:9001' } };
    expect(await route({ kind: 'save-settings', settings: good }, 'extension-page', HANDLERS, { sentry })).toEqual({ kind: 'saved' });
    expect(calls).toEqual(['save http://127.0.0.1:9001']);
    const throwing: HandlerMap = { ...HANDLERS, 'get-reports': () => { throw new Error('storage is gone'); } };
    expect(await route({ kind: 'get-reports' }, 'extension-page', throwing, { sentry })).toEqual({ kind: 'refused', reason: 'failed', detail: 'storage is gone' });
  });

  it('add-account: fields checked before the worker is asked; no spaces in keys, a passphrase of 8 or more', async () => {
    const { sentry, calls } = fakeSentry();
    const base = { kind: 'add-account', venue: 'binance', label: 'main', target: 'venue', access: { apiKey: 'k', apiSecret: 's' }, passphrase: 'long enough' };
    expect(await route({ ...base, passphrase: 'short' }, 'extension-page', HANDLERS, { sentry })).toMatchObject({ reason: 'malformed', detail: '$.passphrase: expected 8..256 characters' });
    expect(await route({ ...base, access: { apiKey: 'has space' } }, 'extension-page', HANDLERS, { sentry })).toMatchObject({ detail: '$.access.apiKey: expected up to 256 characters without spaces' });
    expect(await route({ ...base, target: 'elsewhere' }, 'extension-page', HANDLERS, { sentry })).toMatchObject({ detail: '$.target: expected venue or simulator' });
    expect(await route(base, 'extension-page', HANDLERS, { sentry })).toEqual({ kind: 'account-added', id: 'binance:main' });
    expect(calls).toEqual(['add binance main']);
  });

  it('snooze: the subject of a watched account, else a refusal', async () => {
    const { sentry, calls } = fakeSentry();
    expect(await route({ kind: 'snooze', subject: 'binance:demo:cross', minutes: 30 }, 'extension-page', HANDLERS, { sentry })).toEqual({ kind: 'snoozed', subject: 'binance:demo:cross', untilMs: 1_000 });
    expect(await route({ kind: 'snooze', subject: 'okx:main:cross', minutes: 30 }, 'extension-page', HANDLERS, { sentry })).toMatchObject({ kind: 'refused', reason: 'failed' });
    expect(calls).toEqual(['snooze binance:demo:cross 30']);
  });
});
