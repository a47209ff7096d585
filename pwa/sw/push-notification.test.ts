import { describe, expect, it } from 'vitest';
import { focusOrOpen, type ClientsLike, type WindowLike } from './open-window.ts';
import { GENERIC_BODY, GENERIC_TITLE, navigationTarget, notificationForPush } from './push-notification.ts';

const SCOPE = 'https://sentry.test/app/';

describe('notificationForPush', () => {
  it('shows the declarative title and body and opens its in-scope URL', () => {
    const shown = notificationForPush(
      JSON.stringify({ web_push: 8030, notification: { title: 'BTCUSDT: margin call', body: 'Top up 412 USDT', navigate: '?alert=a-1', lang: 'en', tag: 'acc-1' }, app_badge: 2 }),
      SCOPE,
    );
    expect(shown).toEqual({
      title: 'BTCUSDT: margin call',
      options: { body: 'Top up 412 USDT', icon: 'https://sentry.test/app/icons/icon-192.png', silent: false, lang: 'en', tag: 'acc-1', data: { navigate: 'https://sentry.test/app/?alert=a-1' } },
      appBadge: 2,
      problem: null,
    });
  });

  it.each([null, '', 'garbage', '{"web_push":8030}', '{"web_push":8030,"notification":{"title":7,"navigate":"/"}}'])(
    'shows a generic notification for the payload %j, never nothing',
    (text) => {
      const shown = notificationForPush(text, SCOPE);
      expect(shown.title).toBe(GENERIC_TITLE);
      expect(shown.options.body).toBe(GENERIC_BODY);
      expect(shown.options.data.navigate).toBe(SCOPE);
      expect(shown.problem).toMatch(/^push payload refused at (input|notification)/);
    },
  );
});

describe('navigationTarget', () => {
  it.each([
    ['/app/alerts?id=3', 'https://sentry.test/app/alerts?id=3'],
    ['https://sentry.test/app/x', 'https://sentry.test/app/x'],
    ['https://evil.test/app/', SCOPE],
    ['/other-app/', SCOPE],
    ['javascript:alert(1)', SCOPE],
    ['http://[broken', SCOPE],
    [42, SCOPE],
  ])('%j opens %s', (navigate, expected) => {
    expect(navigationTarget(navigate, SCOPE)).toBe(expected);
  });
});

describe('focusOrOpen', () => {
  function fakeClients(urls: string[], canNavigate = true) {
    const log: string[] = [];
    const windows: WindowLike[] = urls.map((url) => ({
      url,
      focus: async () => log.push(`focus ${url}`),
      navigate: async (to: string) => {
        if (!canNavigate) throw new TypeError('not controlled');
        log.push(`navigate ${url} -> ${to}`);
      },
    }));
    const clients: ClientsLike = { matchAll: async () => windows, openWindow: async (url) => log.push(`open ${url}`) };
    return { clients, log };
  }

  it('focuses the window already on the URL', async () => {
    const { clients, log } = fakeClients(['https://sentry.test/app/', 'https://sentry.test/app/?alert=1']);
    await focusOrOpen(clients, 'https://sentry.test/app/?alert=1');
    expect(log).toEqual(['focus https://sentry.test/app/?alert=1']);
  });
  it('brings an open app window to the URL', async () => {
    const { clients, log } = fakeClients(['https://sentry.test/app/']);
    await focusOrOpen(clients, 'https://sentry.test/app/?alert=1');
    expect(log).toEqual(['navigate https://sentry.test/app/ -> https://sentry.test/app/?alert=1', 'focus https://sentry.test/app/']);
  });
  it('opens a window when none is open, or when the open one cannot be navigated', async () => {
    const none = fakeClients([]);
    await focusOrOpen(none.clients, SCOPE);
    expect(none.log).toEqual([`open ${SCOPE}`]);
    const stuck = fakeClients(['https://sentry.test/app/'], false);
    await focusOrOpen(stuck.clients, 'https://sentry.test/app/?a=1');
    expect(stuck.log).toEqual(['open https://sentry.test/app/?a=1']);
  });
});
