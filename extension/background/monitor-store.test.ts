import { describe, expect, it } from 'vitest';
import { emptyAlertLog } from '../../shared/protocol/alert-log.ts';
import { parseSaved } from './monitor-store.ts';

const good = { kind: 'saved-monitor', version: 1, accountId: 'okx:demo', savedAt: 5, now: 4, account: null, alerts: null, log: emptyAlertLog };

describe('parseSaved: a stored monitor read back field by field', () => {
  it('accepts what was saved', () => {
    expect(parseSaved(JSON.parse(JSON.stringify(good)), 'okx:demo')).toEqual(good);
  });
  it.each([
    [{ ...good, kind: 'monitor' }, '$.kind: expected "saved-monitor"'],
    [{ ...good, version: 2 }, '$.version: this build reads version 1'],
    [{ ...good, accountId: 'binance:demo' }, '$.accountId: expected okx:demo'],
    [{ ...good, now: Number.NaN }, '$.now: expected a finite number or null'],
    [{ ...good, account: { exchange: 'okx', walletBalance: 'lots', positions: [] }, alerts: { subjects: {}, history: [] } }, '$.account: expected an account (exchange, walletBalance, positions)'],
    [{ ...good, account: { exchange: 'okx', walletBalance: 1, positions: [] } }, '$.alerts: saved without its account, or the other way round'],
    [{ ...good, log: { ...emptyAlertLog, version: 7 } }, '$.log.version'],
    ['garbage', '$: expected an object'],
  ])('refuses %j naming the field', (raw, message) => {
    const r = parseSaved(raw, 'okx:demo');
    expect('error' in r && r.error).toContain(message);
  });
});
