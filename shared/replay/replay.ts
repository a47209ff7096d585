import { nextDueAt } from '../engine/alerts/next-due-at.ts';
import { createMonitor, monitorStep, type Monitor, type MonitorInput } from '../engine/monitor/account-monitor.ts';
import { restoreMonitor, snapshotMonitor } from '../engine/monitor/monitor-snapshot.ts';
import { parseMonitorSnapshot } from '../engine/monitor/parse-monitor-snapshot.ts';
import { marginModels } from '../exchanges/venues.ts';
import { isEveryMarkFresh, silenceDue } from './mark-silence.ts';
import { isFieldError, type FieldError } from '../units/field-error.ts';
import { parseReplayDocument, type ReplayDocument } from './parse-replay-document.ts';
import type { PriceTick } from './parse-price-series.ts';
import { replayAlertOf, type ReplayAlert } from './replay-alert.ts';

/**
 * Replay: a price history played through an account with the real monitor (account-monitor.ts, the
 * reducer the live feed drives), so that it answers "would this have warned me in time?" with the
 * alerts, ids included, that the live engine would have raised. Pure: the tick times are the clock.
 *
 * Between two ticks time still passes, and the live engine would act on it: the venue's stale bound
 * running out (a `stale` input at the moment the silence reaches it, `recovered` with the next mark)
 * and reminders or held notices falling due (a `clock` input at the moment nextDueAt names). At equal
 * times the tick goes first: a mark exactly at the bound is no gap, and a reminder due at a tick is
 * delivered by the tick's own step.
 *
 * Restarts (`--restart-every`): before the steps chosen by `cuts`, the monitor is saved, written to
 * JSON text, read back through the snapshot parser and restored, as a home killed and started again
 * would do; the alerts must not change.
 */
export interface ReplayResult {
  readonly alerts: readonly ReplayAlert[];
  /** First tick at which the worst rho (cross pool or any isolated position) reached 1; null if none. */
  readonly liquidatedAt: number | null;
  /** Highest worst rho over the ticks; null when it was unbounded (equity at or below zero). */
  readonly maxRiskRatio: number | null;
  /** How many times the monitor was saved and restored on the way (0 without cuts). */
  readonly restarts: number;
}

/** Where to restart: asked before each monitor step with its index (from 0) and time. */
export type ReplayCuts = (step: number, t: number) => boolean;

/** A restart every `everyMs` of exchange time from the first tick: before the first step at or past each mark. */
export function restartEvery(everyMs: number, firstTickT: number): ReplayCuts {
  let next = firstTickT + everyMs;
  return (_step, t) => {
    if (t < next) return false;
    while (next <= t) next += everyMs;
    return true;
  };
}

/** Parses and plays a replay document (JSON already parsed); the first bad field is returned as an error. */
export function replay(raw: unknown, options: { readonly restartEverySec?: number } = {}): ReplayResult | FieldError {
  const document = parseReplayDocument(raw);
  if (isFieldError(document)) return document;
  const every = options.restartEverySec;
  return runReplay(document, every === undefined ? null : restartEvery(every * 1000, document.ticks[0]?.t ?? 0));
}

const marksOf = (tick: PriceTick): Record<string, number> => Object.fromEntries(tick.marks);

/** The monitor after a restart: saved, through JSON text and the parser, and restored. */
function restarted(monitor: Monitor, document: ReplayDocument): Monitor {
  const saved = parseMonitorSnapshot(JSON.parse(JSON.stringify(snapshotMonitor(monitor))));
  // The engine wrote it a moment ago: a refusal here is a bug in the snapshot, not in the input.
  if (isFieldError(saved)) throw new Error(`the monitor's own snapshot was refused: ${saved.field}: ${saved.message}`);
  return restoreMonitor(saved, { account: document.account, model: marginModels[document.account.exchange] });
}

/** Plays a parsed document, restarting the monitor where `cuts` says. */
export function runReplay(document: ReplayDocument, cuts: ReplayCuts | null = null): ReplayResult {
  const { account, staleAfterMs: bound } = document;
  let monitor: Monitor = createMonitor({
    account,
    model: marginModels[account.exchange],
    options: document.options,
    history: document.history.map((h) => [h.t, marksOf(h)] as const),
  });
  const alerts: ReplayAlert[] = [];
  let steps = 0;
  let restarts = 0;
  let stale = false;
  const step = (input: MonitorInput, t: number): void => {
    if (cuts !== null && cuts(steps, t)) {
      monitor = restarted(monitor, document);
      // The replay's own "feed is stale" flag is the monitor's stale fact: take it from what was restored.
      stale = monitor.state.stale !== null;
      restarts += 1;
    }
    steps += 1;
    const next = monitorStep(monitor, input, t);
    monitor = next.monitor;
    for (const decision of next.decisions) {
      const alert = replayAlertOf(decision);
      if (alert !== null) alerts.push(alert);
    }
  };

  const lastMarkAt = new Map<string, number>();
  let liquidatedAt: number | null = null;
  let maxRiskRatio = 0;
  for (const tick of document.ticks) {
    for (;;) {
      const silence = stale || bound === null ? null : silenceDue(lastMarkAt, bound);
      const due = monitor.state.now === null ? null : nextDueAt(monitor.state.alerts, monitor.state.now, monitor.config.policy);
      const silenceAt = silence !== null && silence.at < tick.t ? silence.at : Number.POSITIVE_INFINITY;
      const dueAt = due !== null && due < tick.t ? due : Number.POSITIVE_INFINITY;
      if (silence !== null && silenceAt <= dueAt && silenceAt < Number.POSITIVE_INFINITY) {
        const silentSec = (silence.at - silence.since) / 1000;
        step({ kind: 'stale', since: silence.since, reason: `no mark price for ${silence.symbols.join(', ')} for ${silentSec} s` }, silenceAt);
        stale = true;
      } else if (dueAt < Number.POSITIVE_INFINITY) {
        step({ kind: 'clock' }, dueAt);
      } else {
        break;
      }
    }
    for (const symbol of tick.marks.keys()) lastMarkAt.set(symbol, tick.t);
    if (stale && bound !== null && isEveryMarkFresh(lastMarkAt, bound, tick.t)) {
      // The feed says `fresh` as the mark arrives, before the mark itself is handed on.
      step({ kind: 'recovered' }, tick.t);
      stale = false;
    }
    step({ kind: 'marks', marks: marksOf(tick) }, tick.t);
    const rho = monitor.view?.risk.worstRiskRatio ?? 0;
    if (liquidatedAt === null && rho >= 1) liquidatedAt = tick.t;
    // NaN and Infinity both mean "no finite bound" here: max() keeps them, and the result says null.
    maxRiskRatio = Number.isNaN(rho) ? Number.NaN : Math.max(maxRiskRatio, rho);
  }
  return { alerts, liquidatedAt, maxRiskRatio: Number.isFinite(maxRiskRatio) ? maxRiskRatio : null, restarts };
}
