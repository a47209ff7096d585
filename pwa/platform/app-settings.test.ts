import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_SETTINGS, parseAppSettings } from './app-settings.ts';

describe('parseAppSettings', () => {
  it('reads the defaults back unchanged (plain data through JSON)', () => {
    expect(parseAppSettings(JSON.parse(JSON.stringify(DEFAULT_APP_SETTINGS)))).toStrictEqual(DEFAULT_APP_SETTINGS);
    expect(DEFAULT_APP_SETTINGS.accounts.map((a) => a.id)).toStrictEqual(['binance:demo', 'bybit:demo', 'okx:demo', 'hyperliquid:demo']);
  });

  it('names the bad field', () => {
    const bad = (patch: (s: Record<string, unknown>) => void) => {
      const s = JSON.parse(JSON.stringify(DEFAULT_APP_SETTINGS)) as Record<string, unknown>;
      patch(s);
      return parseAppSettings(s);
    };
    const accounts = (s: Record<string, unknown>) => s['accounts'] as Array<Record<string, unknown>>;
    expect(bad((s) => (accounts(s)[1]!['venue'] = 'kraken'))).toMatchObject({ field: 'accounts[1].venue' });
    expect(bad((s) => (accounts(s)[0]!['policy'] = { ladder: [{ level: 'x' }] }))).toMatchObject({ field: 'accounts[0].policy.ladder[0].level' });
    expect(bad((s) => (accounts(s)[2]!['id'] = 'binance:demo'))).toMatchObject({ field: 'accounts[2].id' });
    expect(bad((s) => (accounts(s)[3]!['id'] = 'hyperliquid:demo')) ).not.toHaveProperty('field');
    expect(bad((s) => ((s['demo'] as Record<string, unknown>)['simulatorOrigin'] = 'ftp://x'))).toMatchObject({ field: 'demo.simulatorOrigin' });
    expect(bad((s) => (s['extra'] = 1))).toMatchObject({ field: 'extra' });
    expect(bad((s) => (s['version'] = 2))).toMatchObject({ field: 'version' });
  });

  it('keeps an origin as its origin', () => {
    const s = { ...DEFAULT_APP_SETTINGS, demo: { enabled: true, simulatorOrigin: 'http://127.0.0.1:8780/some/path' } };
    expect(parseAppSettings(s)).toMatchObject({ demo: { simulatorOrigin: 'http://127.0.0.1:8780' } });
  });
});
