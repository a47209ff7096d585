import { describe, expect, it } from 'vitest';
import { parseRelayConfig } from './relay-config.ts';

describe('parseRelayConfig', () => {
  it('flags win over the environment, which wins over defaults', () => {
    const r = parseRelayConfig(['--data', '/tmp/r', '--port=9000', '--shard', '1/3'], { RELAY_PORT: '8000', RELAY_STALE_AFTER_SEC: '60' });
    expect(r).toEqual({ ok: true, config: { port: 9000, host: '127.0.0.1', dataDir: '/tmp/r', store: 'sqlite', shard: { index: 1, count: 3 }, workers: 0, staleAfterSec: 60, calmEveryMs: 5000, bodyLimitBytes: 65536, pushConnections: 256, pushWindow: 512, venuesFrom: null } });
    expect(parseRelayConfig([], { RELAY_DATA: '/d', RELAY_STORE: 'postgres://u@/db?host=/run/pg' })).toMatchObject({ ok: true, config: { dataDir: '/d', store: 'postgres://u@/db?host=/run/pg', port: 8787 } });
  });

  it('sizes the push window from the connections unless given (refilled at half, twice keeps every connection busy)', () => {
    expect(parseRelayConfig(['--data', '/d', '--push-connections', '64'], {})).toMatchObject({ ok: true, config: { pushConnections: 64, pushWindow: 128 } });
    expect(parseRelayConfig(['--data', '/d', '--push-window', '100'], { RELAY_PUSH_CONNECTIONS: '32' })).toMatchObject({ ok: true, config: { pushConnections: 32, pushWindow: 100 } });
  });

  it('refuses what it does not know, naming it', () => {
    const error = (argv: string[], env: Record<string, string> = {}) => {
      const r = parseRelayConfig(argv, env);
      return r.ok ? 'accepted' : r.error.split('\n')[0];
    };
    expect(error(['--data', '/d', '--bogus-flag'])).toBe('unknown argument "--bogus-flag"');
    expect(error(['--data', '/d', 'stray'])).toBe('unknown argument "stray"');
    expect(error([])).toBe('--data: required (or RELAY_DATA)');
    expect(error(['--data', '/d', '--port', '70000'])).toBe('port: expected 0 to 65535, got 70000');
    expect(error(['--data', '/d', '--port', 'abc'])).toBe('port: expected a whole number, got "abc"');
    expect(error(['--data', '/d', '--shard', '3/3'])).toContain('shard');
    expect(error(['--data', '/d', '--workers', 'two'])).toContain('workers');
    expect(error(['--data', '/d', '--calm-every-ms', '-5'])).toContain('calm-every-ms');
    expect(error(['--data', '/d', '--store', 'mysql://x'])).toContain('store');
    expect(error(['--data'])).toBe('--data: needs a value');
    expect(error(['--data', '/d'], { RELAY_BODY_LIMIT: '10' })).toContain('body-limit');
    expect(error(['--data', '/d', '--venues-from', 'ftp://x'])).toContain('venues-from');
    expect(error(['--data', '/d', '--venues-from', 'http://127.0.0.1:8780/binance'])).toContain('venues-from');
    expect(error(['--data', '/d', '--push-connections', '0'])).toBe('push-connections: expected 1 to 4096, got 0');
    expect(error(['--data', '/d'], { RELAY_PUSH_WINDOW: 'lots' })).toBe('push-window: expected a whole number, got "lots"');
    expect(parseRelayConfig(['--data', '/d', '--venues-from', 'http://127.0.0.1:8780'], {})).toMatchObject({ ok: true, config: { venuesFrom: 'http://127.0.0.1:8780' } });
  });
});
