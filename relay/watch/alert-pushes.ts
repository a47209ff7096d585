import type { AlertDecision } from '../../shared/engine/alerts/alert-decision.ts';
import { alertEntry } from '../../shared/protocol/alert-log.ts';
import { alertNotification, utcClockText } from '../../shared/protocol/alert-notification.ts';
import { declarativePush } from '../../shared/protocol/declarative-push.ts';
import type { PushRecord } from '../store/relay-store.ts';

/**
 * The pushes a batch's decisions cause: one per `notify` on the push channel (first notice or
 * reminder), never for a resolve or a badge (a push that shows nothing gets Safari to revoke the
 * permission; the phone clears a resolved alert when it next opens). The text is the one every home
 * shows (alertNotification), the tag the alert id, so a reminder replaces the card.
 */
export interface AlertPushContext {
  readonly deviceId: string;
  readonly accountId: string;
  /** When the phone took the snapshot the relay is watching (epoch ms). */
  readonly takenAtMs: number;
  /** A snapshot older than this, at the alert's time, makes the alert say how old its positions are. */
  readonly staleAfterMs: number;
  /** When the push is queued (relay clock). */
  readonly nowMs: number;
}

/** Long enough for a phone in a tunnel, short enough that a margin call is not shown an hour late. */
export const ALERT_PUSH_TTL_SEC = 300;

/** "Positions as of 14:05 UTC, 20 min old." (UTC: the relay does not know the phone's time zone.) */
export function snapshotAgeLine(takenAtMs: number, atMs: number): string {
  const minutes = Math.max(0, Math.round((atMs - takenAtMs) / 60_000));
  const age = minutes >= 120 ? `${Math.round(minutes / 6) / 10} h` : `${minutes} min`;
  return `Positions as of ${utcClockText(takenAtMs)} UTC, ${age} old.`;
}

export function alertPushes(decisions: readonly AlertDecision[], context: AlertPushContext): PushRecord[] {
  const pushes: PushRecord[] = [];
  for (const d of decisions) {
    if (d.kind !== 'notify' || d.alert.channel !== 'push') continue;
    // The entry a log would open for it (alert-log.ts), made alone: no log copied and folded per push.
    const n = alertNotification(alertEntry(d.alert, d.supersedes), { accountLabel: context.accountId });
    const old = d.alert.t - context.takenAtMs > context.staleAfterMs;
    const body = old ? `${n.body} ${snapshotAgeLine(context.takenAtMs, d.alert.t)}`.trim() : n.body;
    const message = declarativePush({ title: n.title, body, tag: n.tag }, `?alert=${encodeURIComponent(d.alert.id)}`);
    pushes.push({
      deviceId: context.deviceId,
      dedupeKey: `${d.alert.id}#${d.alert.reminder}`,
      payload: JSON.stringify(message),
      urgency: n.urgency,
      topicKey: d.alert.subject,
      ttlSec: ALERT_PUSH_TTL_SEC,
      createdAtMs: context.nowMs,
    });
  }
  return pushes;
}
