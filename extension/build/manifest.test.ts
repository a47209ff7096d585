import { describe, expect, it } from 'vitest';
import { extensionManifest, LOOPBACK_HOSTS } from './manifest.ts';

describe('the MV3 manifest', () => {
  const store = extensionManifest('store', '1.2.3');
  const demo = extensionManifest('demo', '1.2.3');

  it('asks for storage, notifications and alarms only, from Chrome 116 (websocket keep-alive)', () => {
    for (const m of [store, demo]) {
      expect(m['manifest_version']).toBe(3);
      expect(m['minimum_chrome_version']).toBe('116');
      expect(m['permissions']).toEqual(['storage', 'notifications', 'alarms']);
    }
  });

  it('reaches only the four venues API and socket hosts; loopback only in the demo build', () => {
    const hosts = store['host_permissions'] as string[];
    expect(hosts).toEqual([
      'https://api.binance.com/*',
      'https://api.bybit.com/*',
      'https://api.hyperliquid.xyz/*',
      'https://fapi.binance.com/*',
      'https://www.okx.com/*',
      'wss://api.hyperliquid.xyz/*',
      'wss://fstream.binance.com/*',
      'wss://stream.bybit.com/*',
      'wss://ws.okx.com/*',
    ]);
    expect(demo['host_permissions']).toEqual([...hosts, ...LOOPBACK_HOSTS]);
    // The push services are optional: asked for one at a time, when a phone is paired.
    for (const m of [store, demo]) expect(m['optional_host_permissions']).toEqual(['https://fcm.googleapis.com/*', 'https://*.push.apple.com/*', 'https://updates.push.services.mozilla.com/*', 'https://*.notify.windows.com/*']);
    const text = JSON.stringify(store);
    for (const banned of ['<all_urls>', '"tabs"', 'webRequest', '127.0.0.1', 'unsafe-eval', '*://*/*']) expect(text).not.toContain(banned);
  });

  it('has a strict CSP for its pages and injects the overlay on the trading sites only', () => {
    expect(store['content_security_policy']).toEqual({ extension_pages: "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'" });
    const [content] = store['content_scripts'] as Array<{ matches: string[]; js: string[] }>;
    expect(content?.matches).toEqual(['https://www.binance.com/*', 'https://www.bybit.com/*', 'https://www.okx.com/*', 'https://app.hyperliquid.xyz/*']);
    expect(content?.js).toEqual(['content.js']);
  });
});
