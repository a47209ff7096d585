import { describe, expect, it } from 'vitest';
import { isFieldError } from '../../../shared/units/field-error.ts';
import { EMPTY_ACCOUNT_FORM, EMPTY_POSITION, parseAccountForm, parseGeneralForm, type AccountForm } from './settings-model.ts';
import { DEFAULT_SETTINGS, parseRelayUrl, parseSettings, policyOf } from '../../platform/settings-record.ts';
import { parsePolicyOverrides } from '../../../shared/engine/monitor/parse-policy-overrides.ts';
import { DEFAULT_ALERT_POLICY } from '../../../shared/engine/alerts/alert-ladder.ts';

const keys: AccountForm = { ...EMPTY_ACCOUNT_FORM, label: 'Main', venue: 'okx', apiKey: 'k1', apiSecret: 's1', passphrase: 'p1' };
const manual: AccountForm = {
  ...EMPTY_ACCOUNT_FORM,
  label: 'What if',
  venue: 'binance',
  source: 'manual',
  walletBalance: '5000',
  positions: [{ ...EMPTY_POSITION, symbol: 'BTCUSDT', qty: '0.5', entryPrice: '97000', markPrice: '95000', leverage: '20' }],
};

describe('parseAccountForm', () => {
  it('keeps a keyed account without its secrets and returns them apart', () => {
    const r = parseAccountForm(keys);
    expect(r).toEqual({
      account: { id: 'okx:main', label: 'Main', venue: 'okx', source: 'keys', address: null, ladder: [0.5, 0.8, 0.9, 1], target: null, manual: null },
      secrets: { apiKey: 'k1', apiSecret: 's1', passphrase: 'p1' },
    });
    expect(JSON.stringify(isFieldError(r) ? r : r.account)).not.toContain('s1');
  });

  it('names the field of every garbage entry', () => {
    const bad = (patch: Partial<AccountForm>, takenIds?: Set<string>): string => {
      const r = parseAccountForm({ ...keys, ...patch }, takenIds);
      if (!isFieldError(r)) throw new Error('accepted');
      return `${r.field}: ${r.message}`;
    };
    expect(bad({ passphrase: ' ' })).toBe('passphrase: required');
    expect(bad({ apiKey: 'two words' })).toMatch(/^apiKey: expected one word/);
    expect(bad({ ladder: '0.5, 0.8, banana, 1' })).toBe('ladder: expected a number, got "banana"');
    expect(bad({ ladder: '0.5, 0.9, 0.8, 1' })).toBe('ladder: levels must rise: 0.8 comes after 0.9');
    expect(bad({ ladder: '0.5, 0.8, 1' })).toMatch(/^ladder: expected 4 levels/);
    expect(bad({ target: 'NaN' })).toBe('target: expected a number, got "NaN"');
    expect(bad({ target: '0.7' })).toMatch(/^target: expected a target rho in \(0, 0.5\)/);
    expect(bad({ label: '' })).toMatch(/^label: /);
    expect(bad({ venue: 'ftx' })).toMatch(/^venue: /);
    expect(bad({}, new Set(['okx:main']))).toMatch(/^label: an account named "Main" on okx already exists/);
    expect(bad({ venue: 'hyperliquid', address: '0x12' })).toMatch(/^address: expected 0x/);
  });

  it('checks a manual account with the account parser calc uses, the error beside the form field', () => {
    const ok = parseAccountForm(manual);
    if (isFieldError(ok)) throw new Error(`${ok.field}: ${ok.message}`);
    expect(ok.account.manual).toEqual({
      walletBalance: 5000,
      positions: [{ symbol: 'BTCUSDT', side: 'long', qty: 0.5, entryPrice: 97000, markPrice: 95000, marginMode: 'cross', leverage: 20, tiers: [{ floor: 0, mmr: 0.005 }] }],
    });
    const p = manual.positions[0]!;
    const at = (patch: object): unknown => parseAccountForm({ ...manual, positions: [p, { ...p, ...patch }] });
    expect(at({ qty: '-1' })).toMatchObject({ field: 'positions[1].qty' });
    expect(at({ markPrice: '1e400' })).toMatchObject({ field: 'positions[1].markPrice' });
    expect(at({ mmr: '2' })).toMatchObject({ field: 'positions[1].mmr' });
    expect(at({ marginMode: 'isolated' })).toMatchObject({ field: 'positions[1].isolatedMargin', message: 'required for an isolated position' });
    expect(parseAccountForm({ ...manual, walletBalance: 'lots' })).toMatchObject({ field: 'walletBalance' });
    expect(parseAccountForm({ ...manual, positions: [] })).toMatchObject({ field: 'positions' });
  });
});

describe('general form and relay URL', () => {
  it('reads quiet hours and refuses garbage by field', () => {
    expect(parseGeneralForm({ demoMode: false, quietEnabled: true, quietStart: '22:00', quietEnd: '7:30' })).toEqual({ demoMode: false, quietHours: { start: '22:00', end: '07:30' } });
    expect(parseGeneralForm({ demoMode: true, quietEnabled: true, quietStart: '25:00', quietEnd: '07:00' })).toMatchObject({ field: 'quietStart' });
    expect(parseGeneralForm({ demoMode: true, quietEnabled: false, quietStart: 'x', quietEnd: 'y' })).toEqual({ demoMode: true, quietHours: null });
  });
  it('takes https or loopback http only', () => {
    expect(parseRelayUrl('https://relay.example.com/')).toBe('https://relay.example.com');
    expect(parseRelayUrl('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
    expect(parseRelayUrl('http://relay.example.com')).toMatchObject({ field: 'relayUrl' });
    expect(parseRelayUrl('not a url')).toMatchObject({ field: 'relayUrl' });
  });
});

describe('the stored record', () => {
  it('round-trips through JSON and refuses a corrupt one by path', () => {
    const a = parseAccountForm(keys);
    const m = parseAccountForm(manual);
    if (isFieldError(a) || isFieldError(m)) throw new Error('form');
    const record = { ...DEFAULT_SETTINGS, accounts: [a.account, m.account], relay: { url: 'https://r.example', deviceId: 'dev_1' } };
    expect(parseSettings(JSON.parse(JSON.stringify(record)))).toEqual(record);
    expect(parseSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    const corrupt = JSON.parse(JSON.stringify(record)) as { accounts: { ladder: unknown[]; manual: { positions: { qty: unknown }[] } }[] };
    corrupt.accounts[1]!.manual.positions[0]!.qty = 'NaN';
    expect(parseSettings(corrupt)).toMatchObject({ field: 'accounts[1].manual.positions[0].qty' });
    const falling = JSON.parse(JSON.stringify(record)) as typeof corrupt;
    falling.accounts[0]!.ladder = [0.5, 0.9, 0.8, 1];
    expect(parseSettings(falling)).toMatchObject({ field: 'accounts[0].ladder[2]' });
    expect(parseSettings({ ...record, apiKey: 'x' })).toMatchObject({ field: 'apiKey' });
  });

  it("gives a policy the engine's policy parser accepts", () => {
    const policy = policyOf({ ladder: [0.4, 0.7, 0.85, 1], target: 0.3 }, { start: '22:00', end: '07:00' });
    const parsed = parsePolicyOverrides(policy);
    if (isFieldError(parsed)) throw new Error(`${parsed.field}: ${parsed.message}`);
    expect(parsed.target).toBe(0.3);
    expect(parsed.policy?.ladder.map((t) => t.level)).toEqual([0.4, 0.7, 0.85, 1]);
    // A moved tier keeps its default behaviour: Critical still passes quiet hours, Margin call still forecasts.
    expect(parsed.policy?.ladder.map((t) => [t.name, t.bypassesQuietHours, t.push])).toEqual([
      ['Watch', false, false],
      ['Margin call', false, true],
      ['Critical', true, true],
      ['Liquidation', true, true],
    ]);
    expect(parsed.policy?.ladder[1]?.predict).toEqual(DEFAULT_ALERT_POLICY.ladder[1]?.predict);
  });
});
