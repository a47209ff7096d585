import { describe, expect, it } from 'vitest';
import { alertsSetup, type AlertsEnvironment } from './alerts-setup.ts';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.4 Mobile/15E148 Safari/604.1';
const IPAD_AS_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.4 Safari/605.1.15';
const ANDROID = 'Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36';

const env = (over: Partial<AlertsEnvironment>): AlertsEnvironment => ({
  userAgent: ANDROID, maxTouchPoints: 5, standalone: false, permission: 'default', hasServiceWorker: true, ...over,
});

describe('alertsSetup', () => {
  it.each<[string, Partial<AlertsEnvironment>, string]>([
    ['iPhone Safari tab (no Notification API)', { userAgent: IPHONE, permission: null }, 'ios-install'],
    ['iPad that says it is a Mac, in a tab', { userAgent: IPAD_AS_MAC, maxTouchPoints: 5, permission: null }, 'ios-install'],
    ['a real Mac in Safari', { userAgent: IPAD_AS_MAC, maxTouchPoints: 0 }, 'ask'],
    ['iPhone Home Screen app, not asked yet', { userAgent: IPHONE, standalone: true }, 'ask'],
    ['iPhone Home Screen app, allowed', { userAgent: IPHONE, standalone: true, permission: 'granted' }, 'granted'],
    ['Android Chrome tab', {}, 'ask'],
    ['blocked', { permission: 'denied' }, 'denied'],
    ['no Notification API', { permission: null }, 'unsupported'],
    ['no service worker', { hasServiceWorker: false }, 'unsupported'],
  ])('%s: %s', (_what, over, expected) => {
    expect(alertsSetup(env(over))).toBe(expected);
  });
});
