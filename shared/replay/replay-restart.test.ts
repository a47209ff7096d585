import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../tools/test-support/run-command.ts';
import { binanceDemoAccountJson, CRASH_START, crashReplayDocument, scenarioSeries } from '../../tools/test-support/replay-documents.ts';
import { isFieldError } from '../units/field-error.ts';
import { replay, type ReplayResult } from './replay.ts';

/**
 * `--restart-every`: the monitor saved, through JSON text and the parser, and restored every SEC
 * seconds of exchange time, raises what the straight replay raises (alerts, ids, times, resolves).
 * Every file in examples/: a replay document as it is, an account (calc's format) through an hour of
 * the crash scenario in its own symbols.
 */
const MIN = 60_000;

function played(document: unknown, restartEverySec?: number): ReplayResult {
  const r = replay(document, restartEverySec === undefined ? {} : { restartEverySec });
  if (isFieldError(r)) throw new Error(`${r.field}: ${r.message}`);
  return r;
}

/** An example file as a replay document: itself, or its account through the crash. */
function asReplayDocument(file: string): Record<string, unknown> {
  const json = JSON.parse(readFileSync(join(repoRoot, 'examples', file), 'utf8')) as Record<string, unknown>;
  if ('ticks' in json) return json;
  const positions = json['positions'] as Array<{ symbol: string; markPrice: number }>;
  const crash = scenarioSeries('crash', { startMs: CRASH_START, stepMs: 5_000, durationMs: 60 * MIN, seed: 42 });
  // Each symbol follows the BTC path of the crash, scaled to its own mark.
  const btc0 = crash[0]?.[1]['BTCUSDT'] ?? 1;
  const ticks = crash.map(([t, marks]) => [t, Object.fromEntries(positions.map((p) => [p.symbol, (p.markPrice * (marks['BTCUSDT'] ?? btc0)) / btc0]))]);
  const { callLevels: _calcOnly, ...account } = json;
  return { account, ticks, accountId: `example:${file}` };
}

const examples = readdirSync(join(repoRoot, 'examples')).filter((f) => f.endsWith('.json'));

// Whole replays, several times over, on two busy cores: allow for a loaded machine.
describe('replay --restart-every equals the straight replay', { timeout: 60_000 }, () => {
  it('examples/ holds the files this test walks', () => {
    expect(examples).toEqual(expect.arrayContaining(['replay-crash.json', 'binance-cross.json']));
  });

  for (const file of examples) {
    it(`examples/${file}`, () => {
      const document = asReplayDocument(file);
      const straight = played(document);
      expect(straight.alerts.length).toBeGreaterThan(3);
      for (const sec of [1, 7, 60, 600]) {
        const cut = played(document, sec);
        expect(cut.restarts).toBeGreaterThan(0);
        expect({ ...cut, restarts: 0 }).toEqual(straight);
      }
    });
  }

  it('the crash document with a feed outage and a silent coin: stale alerts opened and resolved across cuts', () => {
    const document = crashReplayDocument();
    const outage = (t: number) => t > CRASH_START + 12 * MIN && t < CRASH_START + 14 * MIN;
    const ticks = (document['ticks'] as Array<[number, Record<string, number>]>).flatMap(([t, marks]): Array<[number, Record<string, number>]> => {
      if (outage(t)) return [];
      const quietEth = t > CRASH_START + 20 * MIN && t < CRASH_START + 22 * MIN;
      return [[t, quietEth ? Object.fromEntries(Object.entries(marks).filter(([s]) => s !== 'ETHUSDT')) : marks]];
    });
    const gappy = { ...document, ticks };
    const straight = played(gappy);
    expect(straight.alerts.filter((a) => a.kind === 'stale').length).toBeGreaterThanOrEqual(2);
    for (const sec of [5, 30]) {
      const cut = played(gappy, sec);
      expect(cut.restarts).toBeGreaterThan(100);
      expect({ ...cut, restarts: 0 }).toEqual(straight);
    }
  });

  it('restarts counts the cuts: one per SEC of exchange time that had a step', () => {
    const document = { account: binanceDemoAccountJson(), ticks: scenarioSeries('calm', { startMs: CRASH_START, stepMs: 10_000, durationMs: 10 * MIN, seed: 3 }), staleAfterMs: null };
    // Ticks at 0, 10, ..., 600 s; a cut at the first step at or past 60, 120, ..., 600 s.
    expect(played(document, 60).restarts).toBe(10);
    expect(played(document, 10).restarts).toBe(60);
    expect(played(document, 3600).restarts).toBe(0);
  });
});
