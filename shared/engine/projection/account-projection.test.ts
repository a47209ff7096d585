import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { btcusdtBrackets, ethusdtBrackets } from '../../../tools/test-support/binance-brackets.ts';
import { scenarioPath } from '../../../tools/market-paths/scenarios.ts';
import { marginModels } from '../../exchanges/venues.ts';
import { price, qty, ratio, usdt } from '../../units/units.ts';
import { levelKey } from '../alerts/alert-ladder.ts';
import { createMonitor, monitorStep, type Monitor } from '../monitor/account-monitor.ts';
import type { Account, Position } from '../positions/account.ts';
import { probabilityWithin } from './tier-outlook.ts';

/**
 * The alert policy reads one probability per subject a tick (`searches.probability`), which the projector
 * computes without the outlook's median time and other horizons. It must be the outlook's own figure, bit
 * for bit, whichever is asked first: the policy's decisions, and the forecast an alert records, depend on it.
 */
const START = Date.UTC(2026, 10, 24, 9, 0);
const model = marginModels.binance;

function position(symbol: 'BTCUSDT' | 'ETHUSDT', mark: number, side: Position['side'], notional: number, isolatedMargin: number | null): Position {
  return {
    symbol,
    side,
    qty: qty(notional / mark),
    entryPrice: price(mark),
    markPrice: price(mark),
    marginMode: isolatedMargin === null ? 'cross' : 'isolated',
    tiers: symbol === 'BTCUSDT' ? btcusdtBrackets() : ethusdtBrackets(),
    takerFeeRate: ratio(0.0005),
    ...(isolatedMargin === null ? {} : { isolatedMargin: usdt(isolatedMargin) }),
  };
}

const caseArb = fc.record({
  seed: fc.nat(1_000),
  scenario: fc.constantFrom('crash' as const, 'calm' as const),
  wallet: fc.double({ min: 300, max: 40_000, noNaN: true }),
  btc: fc.record({ side: fc.constantFrom('long' as const, 'short' as const), notional: fc.double({ min: 1_000, max: 400_000, noNaN: true }), isolated: fc.option(fc.double({ min: 200, max: 20_000, noNaN: true })) }),
  eth: fc.option(fc.record({ side: fc.constantFrom('long' as const, 'short' as const), notional: fc.double({ min: 1_000, max: 200_000, noNaN: true }), isolated: fc.option(fc.double({ min: 200, max: 20_000, noNaN: true })) })),
  fundingRate: fc.option(fc.double({ min: -0.003, max: 0.003, noNaN: true })),
});

type Case = typeof caseArb extends fc.Arbitrary<infer C> ? C : never;

function monitored(c: Case): Monitor {
  const btcPath = scenarioPath(c.scenario, { startPrice: 97_000, startMs: START - 3_600_000, stepMs: 60_000, durationMs: 3_600_000, seed: c.seed });
  const ethPath = scenarioPath(c.scenario, { startPrice: 3_500, startMs: START - 3_600_000, stepMs: 60_000, durationMs: 3_600_000, seed: c.seed + 1 });
  const history = btcPath.map((p, i) => [p.t, { BTCUSDT: p.price, ETHUSDT: ethPath[i]?.price ?? 3_500 }] as const);
  const btcMark = btcPath[btcPath.length - 1]?.price ?? 97_000;
  const ethMark = ethPath[ethPath.length - 1]?.price ?? 3_500;
  const positions = [position('BTCUSDT', btcMark, c.btc.side, c.btc.notional, c.btc.isolated)];
  if (c.eth !== null) positions.push(position('ETHUSDT', ethMark, c.eth.side, c.eth.notional, c.eth.isolated));
  const account: Account = { exchange: 'binance', walletBalance: usdt(c.wallet), positions };
  const monitor = createMonitor({ account, model, history, options: { accountId: 'a' } });
  const funding = c.fundingRate === null ? {} : { funding: { BTCUSDT: { rate: c.fundingRate, timeMs: START + 2 * 3_600_000 } } };
  return monitorStep(monitor, { kind: 'marks', marks: { BTCUSDT: btcMark, ETHUSDT: ethMark }, ...funding }, START).monitor;
}

describe('a subject probability asked alone', () => {
  it('is the outlook’s probability at that horizon, bit for bit, asked before or after the outlook', () => {
    let compared = 0;
    let between = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        // Two evaluations of the same inputs: one asked the probabilities first, one the outlooks first.
        const first = monitored(c).view!;
        const second = monitored(c).view!;
        const keys = first.risk.levels.map(levelKey);
        const horizons = [...monitored(c).config.projectedHorizonsSec, 123];
        first.facts.forEach((f, j) => {
          const g = second.facts[j]!;
          for (const key of [...keys, '0.42']) {
            for (const h of horizons) {
              const alone = f.searches.probability(key, h);
              const fromOutlook = probabilityWithin(g.searches.reach(key), h);
              expect(alone).toBe(fromOutlook);
              expect(g.searches.probability(key, h)).toBe(fromOutlook);
              if (alone > 1e-9 && alone < 1 - 1e-9) between += 1;
              compared += 1;
            }
          }
        });
      }),
      { numRuns: 120, seed: 12 },
    );
    expect(compared).toBeGreaterThan(2_000);
    // Not only the trivial 0 and 1: the comparison covers real passage probabilities.
    expect(between).toBeGreaterThan(200);
  });
});
