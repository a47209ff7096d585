import type { AlertDecision } from '../alerts/alert-decision.ts';
import { accountOf, type AccountState } from '../positions/account-state.ts';
import type { FeedEvent } from '../positions/feed-notices.ts';
import type { FundingNotice } from '../projection/funding-step.ts';
import type { VenueEvent } from '../positions/venue-events.ts';
import { monitorStep, type Monitor, type MonitorInput } from './account-monitor.ts';
import { ACCOUNT_EVENTS, dueUntil, eventTime, resumed, startMonitor, stillRestored, type LiveMonitor, type LiveMonitorConfig, type LiveStep } from './live-monitor.ts';

/**
 * The live path, coalesced: every feed event that arrived in one batch (one task turn, or a short
 * window the home chooses, no longer than the venue's mark interval) and one evaluation for all of
 * them. Evaluating per frame re-values the whole account on every mark, so its cost grows with the
 * square of the positions; per batch it grows with their number.
 *
 * `feedState` is the feed's account after every event of the batch was folded in (what `feed.state()`
 * says when the batch is handed on). The batch's time is its newest event's time (never before the
 * monitor's). In that order:
 *  1. reminders and held notices due before a step fall due first, at their own time (`dueUntil`);
 *  2. the feed going stale is stepped at the notice's own time, its `since` the batch time at which the
 *     quietest symbol's last mark was handed on (what a replay of the batches computes);
 *  3. the feed recovering is stepped at the batch time, before the marks it came with;
 *  4. one `marks` step with the newest mark of every symbol in the batch, and the funding payments
 *     the marks announced (monitor/mark-funding.ts);
 *  5. at most one `account` step, if positions, balance, tiers or modes changed.
 * The batch in which the feed's account becomes whole starts the monitor from it; its first step is
 * the batch's marks (so they are observed, as a replay's first tick), or the account without marks.
 * A replay whose ticks are the batches (`[batch time, {symbol: mark}]`) raises the same alerts with the
 * same ids at the same times, when the home keeps two rules (shared/feed/event-batcher.ts does the
 * first with `startsBatch: isFeedNotice`): a feed notice closes the pending batch and opens the next,
 * and a wake-up timer (`liveMonitorClock`) hands on the pending batch before it runs. A batch of one
 * event behaves as `liveMonitorStep` (except that a mark completing the account is also observed).
 */
/** The batch's marks, with the funding notices they carried (none: the plain marks input, as before). */
const marksInput = (marks: Record<string, number>, funding: Record<string, FundingNotice>): MonitorInput => {
  for (const symbol in funding) if (Object.hasOwn(funding, symbol)) return { kind: 'marks', marks, funding };
  return { kind: 'marks', marks };
};

/**
 * Adds the funding notice an event carries (markFunding) to the batch's; true if it carried one. A
 * notice the monitor already holds (`known`) is left out while the batch has none for its symbol:
 * `heardFunding` would skip it, and the venues repeat the same notice on every mark for hours (Binance
 * on each of 50 symbols' frames a second: a record of 50 notices built, counted and walked per batch
 * for nothing). A later, different notice for the symbol is added as before; the funding record the
 * monitor ends with is the same, key for key.
 */
function addNotice(batch: Record<string, FundingNotice>, known: Readonly<Record<string, FundingNotice>> | null, e: Extract<VenueEvent, { kind: 'mark' | 'funding' }>): boolean {
  const rate = e.fundingRate;
  const timeMs = e.nextFundingTime;
  if (rate === undefined || timeMs === undefined) return false;
  if (known !== null && !Object.hasOwn(batch, e.symbol) && Object.hasOwn(known, e.symbol)) {
    const was = known[e.symbol]!;
    if (was.rate === rate && was.timeMs === timeMs) return true;
  }
  batch[e.symbol] = { rate, timeMs };
  return true;
}

/** Feed notices (stale, fresh, connection...) start a batch of their own: see `liveMonitorBatch`. */
export const isFeedNotice = (event: FeedEvent): boolean => event.kind !== 'venue';

/** The monitor a batch steps, the time of its last step and the decisions so far: written by `step`. */
interface BatchRun {
  monitor: Monitor | null;
  now: number;
  readonly decisions: AlertDecision[];
}

/**
 * One step of the batch's monitor at `at`, reminders due before it first. A module function over the
 * batch's record, not a closure over its variables: under tsx (keepNames) a named closure costs a
 * defineProperty per batch.
 */
function step(run: BatchRun, input: MonitorInput, at: number): void {
  if (run.monitor === null) return;
  const result = monitorStep(dueUntil(run.monitor, at, run.decisions), input, at);
  run.monitor = result.monitor;
  run.decisions.push(...result.decisions);
  run.now = at;
}

export function liveMonitorBatch(saved: LiveMonitor, events: readonly FeedEvent[], feedState: AccountState, config: LiveMonitorConfig): LiveStep {
  // A saved monitor is restored before the batch is heard (see liveMonitorStep).
  const live = resumed(saved, feedState, config);
  let batchTime = live.now;
  for (const event of events) {
    const t = eventTime(event);
    if (t !== null && (batchTime === null || t > batchTime)) batchTime = t;
  }
  if (batchTime === null) return { live, decisions: [] };
  const t = batchTime;
  const decisions: AlertDecision[] = [];
  const run: BatchRun = { monitor: live.monitor, now: live.now ?? t, decisions };

  // Latest mark per symbol, in arrival order (what per-event stepping would leave the monitor with).
  const marks: Record<string, number> = {};
  // The batch's symbols in the order first marked: `markedAt` is written from this list, not by a
  // for...in over `marks` (a record of n keys in dictionary mode enumerates its keys sorted, per batch).
  const ticked: string[] = [];
  const funding: Record<string, FundingNotice> = {};
  const known = live.monitor === null ? null : live.monitor.state.funding;
  // A notice was carried (even one the monitor already holds): a batch of funding events alone is stepped.
  let notified = false;
  let marked = false;
  let accountChanged = false;
  let stale = live.stale;
  let recovering = false;
  let restoredStale = live.restoredStale;
  for (const event of events) {
    const restored = restoredStale;
    restoredStale = stillRestored(restoredStale, event);
    if (event.kind === 'venue') {
      const e = event.event;
      if (e.kind === 'mark') {
        // A symbol stale since before a restart: its first mark is the fresh notice this feed never sends.
        if (restored !== restoredStale) {
          const left = stale.filter((s) => s !== e.symbol);
          if (stale.length > 0 && left.length === 0) recovering = true;
          stale = left;
        }
        if (!Object.hasOwn(marks, e.symbol)) ticked.push(e.symbol);
        marks[e.symbol] = e.price;
        if (addNotice(funding, known, e)) notified = true;
        marked = true;
      } else if (e.kind === 'funding') {
        if (addNotice(funding, known, e)) notified = true;
      } else if (ACCOUNT_EVENTS.has(e.kind)) {
        accountChanged = true;
      }
    } else if (event.kind === 'stale') {
      if (stale.length === 0) {
        // Gone stale again after recovering within this batch: the recovery comes first, at its time.
        if (recovering) step(run, { kind: 'recovered' }, run.now);
        recovering = false;
        const since = Math.min(...event.symbols.map((s) => live.markedAt[s] ?? feedState.marks.get(s)?.time ?? event.time));
        step(run, { kind: 'stale', since, reason: `no mark price for ${event.symbols.join(', ')}` }, Math.max(run.now, event.time));
      }
      stale = [...new Set([...stale, ...event.symbols])].sort();
    } else if (event.kind === 'fresh') {
      const left = stale.filter((s) => !event.symbols.includes(s));
      if (stale.length > 0 && left.length === 0) recovering = true;
      stale = left;
    }
  }
  if (recovering) step(run, { kind: 'recovered' }, t);
  if (run.monitor === null) {
    // The account may be whole now; if so the monitor starts from it, and its first step is this
    // batch's marks (observed, as a replay's first tick is) or, without marks, the account itself.
    const view = marked || accountChanged ? accountOf(feedState, { takerFeeRate: config.takerFeeRate }) : null;
    if (view?.ok === true) {
      run.monitor = startMonitor(view.account, config);
      step(run, marked ? marksInput(marks, funding) : { kind: 'account', account: view.account }, t);
    }
  } else {
    if (marked) step(run, marksInput(marks, funding), t);
    else if (notified) step(run, { kind: 'funding', funding }, t);
    if (accountChanged) {
      const view = accountOf(feedState, { takerFeeRate: config.takerFeeRate });
      if (view.ok) step(run, { kind: 'account', account: view.account }, t);
    }
  }
  // Nothing stepped (a notice without a monitor, an ack): time still moves on, due reminders included.
  if (run.monitor !== null && run.now < t) run.monitor = dueUntil(run.monitor, t, decisions);
  let markedAt = live.markedAt;
  if (marked) {
    // One copy per batch, written in place (the same record as a spread of the batch's symbols: new
    // keys land in the order marked, which is `marks`' own order).
    const copy: Record<string, number> = { ...live.markedAt };
    for (const symbol of ticked) copy[symbol] = t;
    markedAt = copy;
  }
  // Written out in LiveMonitor's order, not spread: one shape for every live monitor, and no copy by key
  // (the spread was a third of this function's own time in the relay's flash burst).
  return { live: { monitor: run.monitor, stale, now: t, resume: live.resume, markedAt, restoredStale }, decisions };
}
