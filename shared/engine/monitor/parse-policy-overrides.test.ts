import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY, DEFAULT_LADDER } from '../alerts/alert-ladder.ts';
import { DEFAULT_VOLATILITY_OPTIONS } from '../projection/volatility.ts';
import { parsePolicyOverrides, type PolicyOverrides } from './parse-policy-overrides.ts';
import { isFieldError } from '../../units/field-error.ts';

function parsed(raw: unknown): PolicyOverrides {
  const r = parsePolicyOverrides(raw);
  if (isFieldError(r)) throw new Error(`${r.field}: ${r.message}`);
  return r;
}

describe('parsePolicyOverrides', () => {
  it('an empty object overrides nothing', () => {
    expect(parsed({})).toEqual({});
  });

  it('a ladder entry at a default level starts from that tier; other fields keep their defaults', () => {
    const r = parsed({
      ladder: [{ level: 0.5 }, { level: 0.8, predict: { horizonSec: 7200, threshold: 0.3 }, graceMs: 600_000 }, { level: 0.9 }, { level: 1, predict: null }],
      hysteresis: 0.05,
    });
    const ladder = r.policy?.ladder ?? [];
    expect(ladder[0]).toEqual(DEFAULT_LADDER[0]);
    expect(ladder[1]).toEqual({ ...DEFAULT_LADDER[1], predict: { horizonSec: 7200, threshold: 0.3 }, graceMs: 600_000 });
    expect(ladder[3]?.predict).toBeNull();
    expect(r.policy?.hysteresis).toBe(0.05);
    expect(r.policy?.predictionHysteresis).toBe(DEFAULT_ALERT_POLICY.predictionHysteresis);
    expect(r.policy?.stale).toEqual(DEFAULT_ALERT_POLICY.stale);
  });

  it('the order of the entries does not matter: the ladder is sorted by level, horizons too', () => {
    const given = [{ level: 1 }, { level: 0.5 }, { level: 0.9, push: false }, { level: 0.8 }];
    const r = parsed({ ladder: given, horizonsSec: [3600, 900, 3600] });
    const sorted = parsed({ ladder: [...given].sort((a, b) => a.level - b.level), horizonsSec: [900, 3600] });
    expect(r).toEqual(sorted);
    expect(r.policy?.ladder.map((t) => t.level)).toEqual([0.5, 0.8, 0.9, 1]);
    expect(r.policy?.ladder[2]?.push).toBe(false);
    expect(r.horizonsSec).toEqual([900, 3600]);
  });

  it('a new level needs a name and a severity; push defaults to on', () => {
    const r = parsed({ ladder: [{ level: 0.7, name: 'Early call', severity: 'margin-call' }, { level: 1 }] });
    expect(r.policy?.ladder[0]).toMatchObject({ level: 0.7, name: 'Early call', severity: 'margin-call', push: true, predict: null });
  });

  it('quiet hours as local "HH:MM" with the offset from UTC; stale, horizons, target, odds, volatility', () => {
    const r = parsed({
      quietHours: { start: '22:30', end: '07:00', utcOffsetMinutes: 120 },
      stale: { push: false },
      horizonsSec: [600, 3600],
      target: 0.4,
      liquidationOdds: null,
      volatility: { halfLifeMs: 7_200_000 },
      correlation: { priorCorrelation: 0.8 },
    });
    expect(r.policy?.quietHours).toEqual({ startMinute: 22 * 60 + 30, endMinute: 7 * 60, utcOffsetMinutes: 120 });
    expect(r.policy?.stale).toEqual({ ...DEFAULT_ALERT_POLICY.stale, push: false });
    expect(r.horizonsSec).toEqual([600, 3600]);
    expect(r.target).toBe(0.4);
    expect(r.liquidationOdds).toBeNull();
    expect(r.volatility).toEqual({ ...DEFAULT_VOLATILITY_OPTIONS, halfLifeMs: 7_200_000 });
    expect(r.correlation?.priorCorrelation).toBe(0.8);
  });

  const bad: Array<[string, unknown, string]> = [
    ['not an object', [1], 'policy'],
    ['a misspelt knob', { hysterisis: 0.1 }, 'policy.hysterisis'],
    ['a negative hysteresis', { hysteresis: -0.1 }, 'policy.hysteresis'],
    ['a hysteresis as a string', { hysteresis: '0.1' }, 'policy.hysteresis'],
    ['an empty ladder', { ladder: [] }, 'policy.ladder'],
    ['a level above 1', { ladder: [{ level: 1.2 }] }, 'policy.ladder[0].level'],
    ['two entries at one level', { ladder: [{ level: 0.8 }, { level: 0.9 }, { level: 0.8, push: false }] }, 'policy.ladder[2].level'],
    ['a name that is blank', { ladder: [{ level: 0.8, name: ' ' }] }, 'policy.ladder[0].name'],
    ['a new level without a name', { ladder: [{ level: 0.7, severity: 'watch' }] }, 'policy.ladder[0].name'],
    ['an unknown severity', { ladder: [{ level: 0.8, severity: 'panic' }] }, 'policy.ladder[0].severity'],
    ['a threshold above 1', { ladder: [{ level: 0.8, predict: { horizonSec: 3600, threshold: 1.5 } }] }, 'policy.ladder[0].predict.threshold'],
    ['a zero horizon', { ladder: [{ level: 0.8, predict: { horizonSec: 0, threshold: 0.5 } }] }, 'policy.ladder[0].predict.horizonSec'],
    ['a negative grace', { ladder: [{ level: 0.8, graceMs: -1 }] }, 'policy.ladder[0].graceMs'],
    ['push as a string', { ladder: [{ level: 0.8, push: 'yes' }] }, 'policy.ladder[0].push'],
    ['a tier field misspelt', { ladder: [{ level: 0.8, grace: 5 }] }, 'policy.ladder[0].grace'],
    ['quiet hours at 25:00', { quietHours: { start: '25:00', end: '07:00' } }, 'policy.quietHours.start'],
    ['quiet hours as minutes', { quietHours: { start: 1350, end: '07:00' } }, 'policy.quietHours.start'],
    ['an offset of 20 hours', { quietHours: { start: '22:00', end: '07:00', utcOffsetMinutes: 1200 } }, 'policy.quietHours.utcOffsetMinutes'],
    ['a stale reminder of 0', { stale: { remindEveryMs: 0 } }, 'policy.stale.remindEveryMs'],
    ['horizons with a negative', { horizonsSec: [900, -1] }, 'policy.horizonsSec[1]'],
    ['a target above 1', { target: 2 }, 'policy.target'],
    ['odds of 1', { liquidationOdds: { horizonSec: 86_400, maxProbability: 1 } }, 'policy.liquidationOdds.maxProbability'],
    ['an unknown volatility knob', { volatility: { halflife: 1 } }, 'policy.volatility.halflife'],
    ['a slow half-life below the fast one', { volatility: { halfLifeMs: 7_200_000, slowHalfLifeMs: 3_600_000 } }, 'policy.volatility.slowHalfLifeMs'],
    ['a NaN-like volatility', { volatility: { halfLifeMs: null } }, 'policy.volatility.halfLifeMs'],
    ['a negative correlation prior', { correlation: { priorCorrelation: -0.5 } }, 'policy.correlation.priorCorrelation'],
  ];
  for (const [name, raw, field] of bad) {
    it(`refuses ${name}, naming ${field}`, () => {
      const r = parsePolicyOverrides(raw);
      expect(isFieldError(r) ? r.field : 'accepted').toBe(field);
      if (isFieldError(r)) expect(r.message.length).toBeGreaterThan(5);
    });
  }
});
