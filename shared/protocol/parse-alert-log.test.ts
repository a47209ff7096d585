import { describe, expect, it } from 'vitest';
import { crashRun } from '../../tools/test-support/crash-reports.ts';
import { isFieldError } from '../units/field-error.ts';
import { parseAlertLog } from './parse-alert-log.ts';

describe('an alert log read back from storage', () => {
  const { log } = crashRun(60);
  const stored = () => JSON.parse(JSON.stringify(log)) as { version: number; entries: Array<Record<string, any>> };

  it('a stored log reads back equal, every kind of entry included', () => {
    expect(new Set(log.entries.map((e) => e.kind))).toEqual(new Set(['tier', 'predictive', 'stale']));
    expect(parseAlertLog(stored())).toStrictEqual(log);
  });

  it('a corrupt field is refused with its path; a future version or a foreign object is refused, never guessed', () => {
    const bad = stored();
    const tier = bad.entries.findIndex((e) => e.kind === 'tier');
    bad.entries[tier]!.figures.topUpUsdt = 'lots';
    expect(parseAlertLog(bad)).toMatchObject({ kind: 'field-error', field: `$.entries[${tier}].figures.topUpUsdt` });
    const nan = stored();
    nan.entries[0]!.openedAt = Number.NaN;
    expect(parseAlertLog(nan)).toMatchObject({ field: '$.entries[0].openedAt' });
    expect(parseAlertLog({ ...stored(), version: 2 })).toMatchObject({ field: '$.version', message: 'this code reads alert log version 1, got 2' });
    expect(parseAlertLog({ kind: 'monitor-snapshot' })).toMatchObject({ field: '$.kind' });
    expect(isFieldError(parseAlertLog(null))).toBe(true);
    const reason = stored();
    reason.entries[0]!.resolved = { at: 1, reason: 'because' };
    expect(parseAlertLog(reason)).toMatchObject({ field: '$.entries[0].resolved.reason' });
  });
});
