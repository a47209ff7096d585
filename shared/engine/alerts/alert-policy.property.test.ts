import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { notices, runPolicy, subjectFactsAt, type PolicyRun } from '../../../tools/test-support/alert-facts.ts';
import type { AlertDecision, SubjectFacts } from './alert-decision.ts';
import { DEFAULT_ALERT_POLICY, type AlertPolicyOptions } from './alert-ladder.ts';

const T0 = Date.UTC(2026, 10, 24);
const MIN = 60_000;
const policy = DEFAULT_ALERT_POLICY;
const runs = { numRuns: 200, seed: 20261124 };
/** Runs of a property that plays two walks three times over: fewer, each longer. */
const pairRuns = { numRuns: 100, seed: 20261124 };

/** Strictly increasing step times: gaps of 1 s to 2 h. */
const gapsArb = (n: number) => fc.array(fc.integer({ min: 1000, max: 2 * 3_600_000 }), { minLength: n, maxLength: n });
const timesFrom = (gaps: readonly number[]) => {
  let t = T0;
  return gaps.map((g) => (t += g));
};

const idsNotified = (run: PolicyRun, tier?: string) =>
  new Set(notices(run).filter((a) => tier === undefined || a.tier === tier).map((a) => a.id));

describe('no flapping across a threshold under jitter smaller than the hysteresis band', () => {
  it('rho wandering within the band around any tier level gives one episode, never a resolve', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...policy.ladder.map((r) => r.level)),
        fc.double({ min: 0.005, max: 0.1, noNaN: true }),
        fc.array(fc.double({ min: -0.999, max: 0.999, noNaN: true }), { minLength: 2, maxLength: 120 }),
        gapsArb(120),
        (level, band, jitter, gaps) => {
          const options: AlertPolicyOptions = { ...policy, hysteresis: band };
          const times = timesFrom(gaps);
          // Enter the tier once, then jitter strictly inside (level - band, level + band).
          const steps = [{ t: T0, subjects: [subjectFactsAt(level)] }, ...jitter.map((j, i) => ({ t: times[i] ?? 0, subjects: [subjectFactsAt(level + j * band)] }))];
          const run = runPolicy(steps, options);
          const tier = String(level);
          expect(idsNotified(run, tier).size).toBe(1);
          expect(run.log.some(({ decision }) => decision.kind === 'resolve')).toBe(false);
        },
      ),
      runs,
    );
  });

  it('a probability jittering within the prediction band around its threshold fires once, never withdraws', () => {
    const rule = policy.ladder[1];
    if (rule?.predict == null) throw new Error('default ladder: Margin call predicts');
    const { threshold } = rule.predict;
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.999, max: 0.999, noNaN: true }), { minLength: 2, maxLength: 80 }),
        gapsArb(80),
        (jitter, gaps) => {
          const times = timesFrom(gaps);
          const band = policy.predictionHysteresis;
          const steps = [
            { t: T0, subjects: [subjectFactsAt(0.6, { 0.8: threshold })] },
            ...jitter.map((j, i) => ({ t: times[i] ?? 0, subjects: [subjectFactsAt(0.6, { 0.8: threshold + (j * band) / 2 - band / 2 })] })),
          ];
          const run = runPolicy(steps);
          expect(notices(run).filter((a) => a.kind === 'predictive')).toHaveLength(1);
          expect(run.log.some(({ decision }) => decision.kind === 'resolve')).toBe(false);
        },
      ),
      runs,
    );
  });
});

/** A random walk of rho through the ladder, with random predictions, for one or two subjects. */
const walkFrom = (low: number, high: number) => fc.record({
  start: fc.double({ min: low, max: high, noNaN: true }),
  moves: fc.array(
    fc.record({
      // Integers scaled, not fc.double: most doubles in a range lie next to zero, and such a "walk" never moves.
      drho: fc.integer({ min: -800, max: 800 }).map((x) => x / 10_000),
      pNext: fc.integer({ min: 0, max: 100 }).map((x) => x / 100),
      gap: fc.integer({ min: 1000, max: 90 * MIN }),
    }),
    // fast-check keeps arrays short by default (about ten items); a walk needs room to enter a tier and leave it.
    { minLength: 20, maxLength: 60, size: 'max' },
  ),
});
const walkArb = walkFrom(0.2, 1.05);

interface Walk {
  readonly start: number;
  readonly moves: ReadonlyArray<{ readonly drho: number; readonly pNext: number; readonly gap: number }>;
}

function walkSteps(walk: Walk, subject = 'acct:cross'): Array<{ t: number; facts: SubjectFacts }> {
  let rho = walk.start;
  let t = T0;
  return walk.moves.map(({ drho, pNext, gap }) => {
    rho = Math.max(0.05, Math.min(1.2, rho + drho));
    t += gap;
    // The same probability for every level above rho: enough to make predictions fire and withdraw.
    return { t, facts: subjectFactsAt(rho, { 0.5: pNext, 0.8: pNext, 0.9: pNext, 1: pNext }, subject) };
  });
}

describe('alert ids', () => {
  it('are unique per episode: one tier and subject per id, no notice after its resolve, each resolved at most once', () => {
    let runsWithResolve = 0;
    fc.assert(
      fc.property(walkArb, (walk) => {
        const run = runPolicy(walkSteps(walk).map((s) => ({ t: s.t, subjects: [s.facts] })));
        const meta = new Map<string, string>();
        const resolved = new Set<string>();
        for (const { decision } of run.log) {
          if (decision.kind === 'notify') {
            const { id, tier, kind, subject } = decision.alert;
            expect(resolved.has(id)).toBe(false);
            const key = `${kind}|${tier}|${subject}`;
            expect(meta.get(id) ?? key).toBe(key);
            meta.set(id, key);
          } else if (decision.kind === 'resolve') {
            expect(meta.has(decision.id)).toBe(true);
            expect(resolved.has(decision.id)).toBe(false);
            resolved.add(decision.id);
          }
        }
        if (resolved.size > 0) runsWithResolve += 1;
      }),
      runs,
    );
    // Not vacuous: most walks open and close episodes.
    expect(runsWithResolve).toBeGreaterThanOrEqual(0.8 * runs.numRuns);
  });

  it('are stable: the same facts give the same ids, whatever other subjects do', () => {
    let runsWithAlerts = 0;
    fc.assert(
      fc.property(walkArb, walkArb, (mine, other) => {
        const alone = walkSteps(mine).map((s) => ({ t: s.t, subjects: [s.facts] }));
        const otherSteps = walkSteps(other, 'acct:isolated:ETHUSDT:short');
        const together = alone.map((s, i) => ({ t: s.t, subjects: [...s.subjects, ...(otherSteps[i] === undefined ? [] : [otherSteps[i].facts])] }));
        const mineOnly = (run: PolicyRun) =>
          run.log
            .map(({ decision }) => decision)
            .filter((d): d is Exclude<AlertDecision, { kind: 'update-badge' }> => d.kind !== 'update-badge')
            .filter((d) => (d.kind === 'notify' ? d.alert.subject : d.subject) === 'acct:cross')
            .map((d) => (d.kind === 'notify' ? `notify ${d.alert.id} ${d.alert.reminder}` : `resolve ${d.id} ${d.reason}`));
        const a = mineOnly(runPolicy(alone));
        expect(mineOnly(runPolicy(alone))).toEqual(a);
        expect(mineOnly(runPolicy(together))).toEqual(a);
        if (a.length > 0) runsWithAlerts += 1;
      }),
      pairRuns,
    );
    expect(runsWithAlerts).toBeGreaterThanOrEqual(0.8 * pairRuns.numRuns);
  });
});

describe('quiet hours never suppress Critical', () => {
  it('every Critical notice is the same with and without quiet hours, for any window and offset', () => {
    let runsWithCritical = 0;
    fc.assert(
      fc.property(
        walkFrom(0.75, 1),
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        (walk, startMinute, endMinute, utcOffsetMinutes) => {
          const steps = walkSteps(walk).map((s) => ({ t: s.t, subjects: [s.facts] }));
          const critical = (run: PolicyRun) =>
            notices(run)
              .filter((a) => a.kind === 'tier' && a.severity === 'critical')
              .map((a) => `${a.t} ${a.id} ${a.reminder} ${a.channel}`);
          const loud = critical(runPolicy(steps));
          const quiet = critical(runPolicy(steps, { ...policy, quietHours: { startMinute, endMinute, utcOffsetMinutes } }));
          expect(quiet).toEqual(loud);
          if (loud.length > 0) runsWithCritical += 1;
        },
      ),
      runs,
    );
    // The property must not hold vacuously: many walks do reach Critical.
    expect(runsWithCritical).toBeGreaterThan(runs.numRuns / 4);
  });

  it('a Margin call inside quiet hours is held (so the window does act on milder tiers)', () => {
    const steps = [{ t: T0 + 3 * 3_600_000, subjects: [subjectFactsAt(0.85)] }];
    const quietAll: AlertPolicyOptions = { ...policy, quietHours: { startMinute: 0, endMinute: 1439, utcOffsetMinutes: 0 } };
    expect(notices(runPolicy(steps, quietAll)).filter((a) => a.channel === 'push')).toEqual([]);
    expect(notices(runPolicy(steps)).filter((a) => a.channel === 'push')).toHaveLength(1);
  });
});
