import type { PushOutcome } from '../../shared/push/push-outcome.ts';
import type { PushUrgency } from '../../shared/push/push-request.ts';

/**
 * The pushes waiting for the phone, as plain data in chrome.storage.local so a killed worker picks
 * them up. Pure functions from state to state; phone-push.ts does the I/O. Each push is keyed by
 * (alert id, reminder): a key already sent or already waiting is not queued again, so a worker that
 * comes back and replays its decisions sends nothing twice. A push that was posted when the worker
 * died, before its answer was recorded, is posted again on restart (at least once: a margin call
 * matters more than a duplicate, and the Topic and the notification tag make the phone show it once).
 */
export interface OutboxItem {
  /** `<alert id>#<reminder>`. */
  readonly key: string;
  readonly payload: string;
  readonly ttlSec: number;
  readonly urgency: PushUrgency;
  readonly topicKey: string;
  readonly queuedAtMs: number;
  readonly attempts: number;
  readonly dueAtMs: number;
}

export interface Outbox {
  readonly pending: readonly OutboxItem[];
  /** Keys already delivered (or given up), newest last, bounded. */
  readonly done: readonly string[];
}

export const EMPTY_OUTBOX: Outbox = { pending: [], done: [] };
const DONE_LIMIT = 500;
/** A margin call older than this is not worth a push: the phone would show it late and misleading. */
export const MAX_ATTEMPTS = 8;

export type OutboxEvent =
  | { readonly kind: 'sent'; readonly key: string }
  | { readonly kind: 'gone'; readonly status: number }
  | { readonly kind: 'retry'; readonly key: string; readonly status: number; readonly atMs: number }
  | { readonly kind: 'dropped'; readonly key: string; readonly reason: string };

export function enqueue(outbox: Outbox, item: Omit<OutboxItem, 'attempts' | 'dueAtMs'>): Outbox {
  if (outbox.done.includes(item.key) || outbox.pending.some((p) => p.key === item.key)) return outbox;
  return { ...outbox, pending: [...outbox.pending, { ...item, attempts: 0, dueAtMs: item.queuedAtMs }] };
}

export const duePushes = (outbox: Outbox, nowMs: number): OutboxItem[] => outbox.pending.filter((p) => p.dueAtMs <= nowMs);

/** When the next waiting push is due, or null when nothing waits. */
export const nextDue = (outbox: Outbox): number | null => (outbox.pending.length === 0 ? null : Math.min(...outbox.pending.map((p) => p.dueAtMs)));

const finish = (outbox: Outbox, key: string): Outbox => ({ pending: outbox.pending.filter((p) => p.key !== key), done: [...outbox.done.filter((k) => k !== key), key].slice(-DONE_LIMIT) });

/** What the push service's answer does to the outbox. `gone` empties it: nobody is there to push to. */
export function settle(outbox: Outbox, key: string, outcome: PushOutcome | { kind: 'unsendable'; reason: string }): { outbox: Outbox; event: OutboxEvent } {
  const item = outbox.pending.find((p) => p.key === key);
  if (item === undefined) return { outbox, event: { kind: 'dropped', key, reason: 'no longer queued' } };
  switch (outcome.kind) {
    case 'sent':
      return { outbox: finish(outbox, key), event: { kind: 'sent', key } };
    case 'gone':
      return { outbox: { pending: [], done: [...outbox.done, ...outbox.pending.map((p) => p.key)].slice(-DONE_LIMIT) }, event: { kind: 'gone', status: outcome.status } };
    case 'retry': {
      const attempts = item.attempts + 1;
      if (attempts >= MAX_ATTEMPTS) return { outbox: finish(outbox, key), event: { kind: 'dropped', key, reason: `the push service answered ${outcome.status} ${attempts} times; given up` } };
      const next = { ...item, attempts, dueAtMs: outcome.atMs };
      return { outbox: { ...outbox, pending: outbox.pending.map((p) => (p.key === key ? next : p)) }, event: { kind: 'retry', key, status: outcome.status, atMs: outcome.atMs } };
    }
    case 'refused':
      return { outbox: finish(outbox, key), event: { kind: 'dropped', key, reason: `the push service refused it (HTTP ${outcome.status})` } };
    case 'unsendable':
      return { outbox: finish(outbox, key), event: { kind: 'dropped', key, reason: outcome.reason } };
  }
}

const URGENCIES: readonly string[] = ['very-low', 'low', 'normal', 'high'];
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The stored outbox, or an empty one with the reason when storage holds something else. */
export function parseOutbox(raw: unknown): { outbox: Outbox; problem: string | null } {
  if (raw === undefined) return { outbox: EMPTY_OUTBOX, problem: null };
  const bad = (problem: string) => ({ outbox: EMPTY_OUTBOX, problem });
  if (typeof raw !== 'object' || raw === null) return bad('outbox: expected an object');
  const { pending, done } = raw as Record<string, unknown>;
  if (!Array.isArray(pending)) return bad('outbox.pending: expected a list');
  if (!Array.isArray(done) || !done.every((k) => typeof k === 'string')) return bad('outbox.done: expected a list of keys');
  const items: OutboxItem[] = [];
  for (const [i, p] of pending.entries()) {
    const r = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>;
    const ok =
      typeof r['key'] === 'string' &&
      typeof r['payload'] === 'string' &&
      typeof r['topicKey'] === 'string' &&
      URGENCIES.includes(r['urgency'] as string) &&
      [r['ttlSec'], r['queuedAtMs'], r['attempts'], r['dueAtMs']].every(finite);
    if (!ok) return bad(`outbox.pending[${i}]: not a queued push`);
    items.push(r as unknown as OutboxItem);
  }
  return { outbox: { pending: items, done: done as string[] }, problem: null };
}
