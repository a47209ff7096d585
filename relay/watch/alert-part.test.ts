import { describe, expect, it } from 'vitest';
import { createMonitor, monitorStep } from '../../shared/engine/monitor/account-monitor.ts';
import { snapshotLiveMonitor, type LiveMonitor } from '../../shared/engine/monitor/live-monitor.ts';
import { parseAccountInput } from '../../shared/exchanges/parse-account-input.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { binanceDemoAccountJson, CRASH_START, scenarioSeries } from '../../tools/test-support/replay-documents.ts';
import { alertPartJson, alertPartOf, lastNoticeKey, wholeSnapshotJson, type NoticeTexts } from './alert-part.ts';

/** The Binance demo account's live monitor at each tick of an hour of the crash (every tier, reminders, past liquidation). */
function crashMonitors(accountId: string): LiveMonitor[] {
  const input = parseAccountInput(binanceDemoAccountJson());
  if (isFieldError(input)) throw new Error(input.message);
  let monitor = createMonitor({ account: input.account, model: marginModels.binance, options: { accountId } });
  const lives: LiveMonitor[] = [];
  for (const [t, marks] of scenarioSeries('crash', { startMs: CRASH_START, stepMs: 5_000, durationMs: 3_600_000, seed: 42 })) {
    monitor = monitorStep(monitor, { kind: 'marks', marks }, t).monitor;
    lives.push({ monitor, stale: [], now: t, resume: null, markedAt: {}, restoredStale: [] });
  }
  return lives;
}

describe('saved texts with each notice written once', () => {
  it('are JSON.stringify of the part and of the whole snapshot, character for character, as the shard saves them', () => {
    const lives = crashMonitors('binance:main');
    const texts: NoticeTexts = new Map();
    let wholes = 0;
    let historyAfter: string | null = null;
    let parts = 0;
    let notices = 0;
    lives.forEach((live, i) => {
      // A whole save every 12 ticks (a minute), a part at every tick in between, one texts map throughout.
      if (i % 12 === 0) {
        const snapshot = snapshotLiveMonitor(live);
        if (snapshot === null) throw new Error('no snapshot');
        const held = texts.size;
        expect(wholeSnapshotJson(snapshot, texts)).toBe(JSON.stringify(snapshot));
        // A whole save adds no text (the shard empties the map after it: the next parts start afresh).
        expect(texts.size).toBe(held);
        wholes += held > 0 ? 1 : 0;
        texts.clear();
        historyAfter = lastNoticeKey(snapshot.state.alerts.history);
        return;
      }
      const part = alertPartOf(live, 'binance:main', historyAfter);
      if (part === null) throw new Error('no part');
      expect(alertPartJson(part, texts)).toBe(JSON.stringify(part));
      parts += 1;
      notices += part.state.alerts.history.length;
    });
    // The crash makes notices, and parts carry them again until the next whole save.
    expect(parts).toBeGreaterThan(600);
    expect(notices).toBeGreaterThan(50);
    // Whole saves that took the texts of the notices the parts before them had written.
    expect(wholes).toBeGreaterThan(3);
  });

  it('takes a notice\'s text from the map when it is there', () => {
    const live = crashMonitors('binance:main').at(-1)!;
    const part = alertPartOf(live, 'binance:main', null)!;
    const [first] = part.state.alerts.history;
    if (first === undefined) throw new Error('no notice');
    const texts: NoticeTexts = new Map([[first, '{"the":"kept text"}']]);
    expect(alertPartJson(part, texts)).toContain('"history":[{"the":"kept text"},');
  });

  it('is still JSON.stringify when a saved field holds the very string that marks the notices', () => {
    const mark = '\u0000notices\u0000';
    const live = crashMonitors(mark).at(-1)!;
    const part = alertPartOf(live, mark, null)!;
    expect(part.state.alerts.history.length).toBeGreaterThan(0);
    expect(alertPartJson(part, new Map())).toBe(JSON.stringify(part));
    const snapshot = snapshotLiveMonitor(live)!;
    expect(wholeSnapshotJson(snapshot, new Map())).toBe(JSON.stringify(snapshot));
  });
});
