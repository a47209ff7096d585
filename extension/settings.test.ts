import { describe, expect, it } from 'vitest';
import { alertPolicyOf, DEFAULT_SETTINGS, parseSettings } from './settings.ts';

describe('settings: read field by field, the first bad one named', () => {
  it('the defaults read back equal, through JSON', () => {
    expect(parseSettings(JSON.parse(JSON.stringify(DEFAULT_SETTINGS)))).toEqual({ ok: true, settings: DEFAULT_SETTINGS });
  });
  it.each([
    [{ ...DEFAULT_SETTINGS, version: 2 }, '$.version: 2 is not a version this build reads'],
    [{ ...DEFAULT_SETTINGS, demo: { enabled: true, simulatorUrl: 'http://localhost:8780' } }, '$.demo.simulatorUrl: expected http://127.0.0.1:<port>'],
    [{ ...DEFAULT_SETTINGS, demo: { enabled: true, simulatorUrl: 'http://127.0.0.1:99999' } }, '$.demo.simulatorUrl: expected http://127.0.0.1:<port>'],
    [{ ...DEFAULT_SETTINGS, ladder: { watch: 0.5, marginCall: Number.NaN, critical: 0.9 } }, '$.ladder.marginCall: expected a rho between 0 and 1'],
    [{ ...DEFAULT_SETTINGS, ladder: { watch: 0.5, marginCall: 0.95, critical: 0.9 } }, '$.ladder: tier 2: levels must increase (watch < margin call < critical < 1)'],
    [{ ...DEFAULT_SETTINGS, ladder: { watch: 0.5, marginCall: 0.8, critical: 1 } }, '$.ladder.critical: expected a rho between 0 and 1'],
    [{ ...DEFAULT_SETTINGS, quietHours: { startMinute: 1440, endMinute: 60, utcOffsetMinutes: 0 } }, '$.quietHours.startMinute: expected a minute of the day, 0..1439'],
    [{ ...DEFAULT_SETTINGS, quietHours: { startMinute: 1320, endMinute: 420, utcOffsetMinutes: 9999 } }, '$.quietHours.utcOffsetMinutes: expected -720..840'],
  ])('refuses %j', (raw, error) => {
    expect(parseSettings(raw)).toEqual({ ok: false, error });
  });
  it('the ladder and quiet hours reach the alert policy; liquidation stays at 1', () => {
    const policy = alertPolicyOf({ ...DEFAULT_SETTINGS, ladder: { watch: 0.4, marginCall: 0.7, critical: 0.85 }, quietHours: { startMinute: 1320, endMinute: 420, utcOffsetMinutes: 60 } });
    expect(policy.ladder.map((r) => [r.name, r.level])).toEqual([
      ['Watch', 0.4],
      ['Margin call', 0.7],
      ['Critical', 0.85],
      ['Liquidation', 1],
    ]);
    expect(policy.quietHours).toEqual({ startMinute: 1320, endMinute: 420, utcOffsetMinutes: 60 });
  });
});
