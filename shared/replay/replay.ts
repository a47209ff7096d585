import { nextDueAt } from '../engine/alerts/next-due-at.ts';
import { createMonitor, monitorStep, type MonitorInput, type MonitorState } from '../engine/monitor/account-monitor.ts';
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
 */
export interface ReplayResult {
  readonly alerts: readonly ReplayAlert[];
  /** First tick at which the worst rho (cross pool or any isolated position) reached 1; null if none. */
  readonly liquidatedAt: number | null;
  /** Highest worst rho over the ticks; null when it was unbounded (equity at or below zero). */
  readonly maxRiskRatio: number | null;
}

/** Parses and plays a replay document (JSON already parsed); the first bad field is returned as an error. */
export function replay(raw: unknown): ReplayResult | FieldError {
  const document = parseReplayDocument(raw);
  return isFieldError(document) ? document : runReplay(document);
}

const marksOf = (tick: PriceTick): Record<string, number> => Object.fromEntries(tick.marks);

/** Plays a parsed document. */
export function runReplay(document: ReplayDocument): ReplayResult {
  const { account, staleAfterMs: bound } = document;
  let state: MonitorState = createMonitor({
    account,
    model: marginModels[account.exchange],
    options: document.options,
    history: document.history.map((h) => [h.t, marksOf(h)] as const),
  });
  const alerts: ReplayAlert[] = [];
  const step = (input: MonitorInput, t: number): void => {
    const next = monitorStep(state, input, t);
    state = next.state;
    for (const decision of next.decisions) {
      const alert = replayAlertOf(decision);
      if (alert !== null) alerts.push(alert);
    }
  };

  const lastMarkAt = new Map<string, number>();
  let stale = false;
  let liquidatedAt: number | null = null;
  let maxRiskRatio = 0;
  for (const tick of document.ticks) {
    for (;;) {
      const silence = stale || bound === null ? null : silenceDue(lastMarkAt, bound);
      const due = state.now === null ? null : nextDueAt(state.alerts, state.now, state.config.policy);
      const silenceAt = silence !== null && silence.at < tick.t ? silence.at : Number.POSITIVE_INFINITY;
      const dueAt = due !== null && due < tick.t ? due : Number.POSITIVE_INFINITY;
      if (silence !== null && silenceAt <= dueAt && silenceAt < Number.POSITIVE_INFINITY) {
        stale = true;
        const silentSec = (silence.at - silence.since) / 1000;
        step({ kind: 'stale', since: silence.since, reason: `no mark price for ${silence.symbols.join(', ')} for ${silentSec} s` }, silenceAt);
      } else if (dueAt < Number.POSITIVE_INFINITY) {
        step({ kind: 'clock' }, dueAt);
      } else {
        break;
      }
    }
    for (const symbol of tick.marks.keys()) lastMarkAt.set(symbol, tick.t);
    if (stale && bound !== null && isEveryMarkFresh(lastMarkAt, bound, tick.t)) {
      // The feed says `fresh` as the mark arrives, before the mark itself is handed on.
      stale = false;
      step({ kind: 'recovered' }, tick.t);
    }
    step({ kind: 'marks', marks: marksOf(tick) }, tick.t);
    const rho = state.view?.risk.worstRiskRatio ?? 0;
    if (liquidatedAt === null && rho >= 1) liquidatedAt = tick.t;
    // NaN and Infinity both mean "no finite bound" here: max() keeps them, and the result says null.
    maxRiskRatio = Number.isNaN(rho) ? Number.NaN : Math.max(maxRiskRatio, rho);
  }
  return { alerts, liquidatedAt, maxRiskRatio: Number.isFinite(maxRiskRatio) ? maxRiskRatio : null };
}
