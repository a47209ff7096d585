import type { VenueId } from '../shared/engine/positions/account.ts';
import type { AccountReport } from '../shared/protocol/account-report.ts';
import type { VenueAccess } from '../shared/ports/venue-adapter.ts';
import type { AccountListing } from './accounts.ts';
import type { ExtensionSettings } from './settings.ts';

/**
 * Every one-shot request a popup, options page or overlay sends the worker, with its reply. One union,
 * one handler map (background/handlers.ts): the type checker reports a kind with no handler. Replies
 * are plain data; a request the worker will not serve gets a `Refusal`, never silence or a throw.
 */
export type Request =
  | { readonly kind: 'get-reports' }
  | { readonly kind: 'get-venue-reports'; readonly venue: VenueId }
  | { readonly kind: 'get-settings' }
  | { readonly kind: 'save-settings'; readonly settings: ExtensionSettings }
  | { readonly kind: 'snooze'; readonly subject: string; readonly minutes: number }
  | { readonly kind: 'get-notification-log' }
  | { readonly kind: 'list-accounts' }
  | {
      readonly kind: 'add-account';
      readonly venue: VenueId;
      readonly label: string;
      readonly target: 'venue' | 'simulator';
      readonly access: VenueAccess;
      /** Encrypts the keys at rest; never stored. The same passphrase opens every account. */
      readonly passphrase: string;
    }
  | { readonly kind: 'unlock-accounts'; readonly passphrase: string }
  | { readonly kind: 'remove-account'; readonly id: string }
  | { readonly kind: 'get-phone-pairing' }
  /** The link (or its payload) the phone's Settings > Desktop sender shows; sealed under the accounts' passphrase. */
  | { readonly kind: 'pair-phone'; readonly link: string; readonly passphrase: string }
  | { readonly kind: 'unpair-phone' };

export type RequestKind = Request['kind'];

export interface Replies {
  'get-reports': { readonly kind: 'reports'; readonly reports: readonly AccountReport[] };
  'get-venue-reports': { readonly kind: 'reports'; readonly reports: readonly AccountReport[] };
  'get-settings': { readonly kind: 'settings'; readonly settings: ExtensionSettings };
  'save-settings': { readonly kind: 'saved' };
  snooze: { readonly kind: 'snoozed'; readonly subject: string; readonly untilMs: number };
  'get-notification-log': { readonly kind: 'notification-log'; readonly entries: readonly NotificationLogEntry[] };
  'list-accounts': { readonly kind: 'accounts'; readonly accounts: readonly AccountListing[] };
  'add-account': { readonly kind: 'account-added'; readonly id: string };
  'unlock-accounts': { readonly kind: 'unlocked'; readonly count: number };
  'remove-account': { readonly kind: 'account-removed'; readonly id: string };
  'get-phone-pairing': { readonly kind: 'phone-pairing'; readonly status: PhonePairingStatus };
  'pair-phone': { readonly kind: 'phone-pairing'; readonly status: PhonePairingStatus };
  'unpair-phone': { readonly kind: 'phone-pairing'; readonly status: PhonePairingStatus };
}

/**
 * The phone pairing as the options page shows it (never the keys): `locked` until the passphrase is
 * given in this browser session, `gone` after the push service answered 404/410 (the phone
 * unsubscribed: pair again).
 */
export interface PhonePairingStatus {
  readonly state: 'unpaired' | 'paired' | 'locked' | 'gone';
  /** The push service's origin, e.g. https://fcm.googleapis.com. */
  readonly pushService: string | null;
  readonly subject: string | null;
  readonly pairedAtMs: number | null;
  readonly lastSentAtMs: number | null;
  readonly lastFailure: { readonly atMs: number; readonly message: string } | null;
  /** Pushes queued, waiting to be sent or retried. */
  readonly waiting: number;
}

export type RefusalReason = 'malformed' | 'unknown-kind' | 'not-allowed' | 'failed';

export interface Refusal {
  readonly kind: 'refused';
  readonly reason: RefusalReason;
  /** What was wrong, naming the field: "$.minutes: expected a number from 1 to 1440". */
  readonly detail: string;
}

export type Reply<K extends RequestKind> = Replies[K] | Refusal;

/** Content scripts run beside the venue's own (untrusted) code: they may ask for these kinds only, none of which touches settings or keys. */
export const CONTENT_SCRIPT_KINDS: ReadonlySet<RequestKind> = new Set<RequestKind>(['get-venue-reports']);

/** What the worker streams on a long-lived port to an open popup or overlay. */
export const REPORTS_PORT = 'reports';
export type PortMessage = { readonly kind: 'reports'; readonly reports: readonly AccountReport[] };

/** One notification the worker raised (kept so a restart can be checked for a second first notice). */
export interface NotificationLogEntry {
  readonly id: string;
  readonly reminder: number;
  readonly at: number;
  readonly title: string;
  readonly message: string;
  /**
   * Where the alert was meant to be heard: 'push' also goes to a paired phone, 'in-app' (Watch, a
   * forecast raised again within its reminder period) stays on this computer. Kept with the notice
   * because the alert may have left the reports by the time the log is read; null for an entry written
   * before this field existed.
   */
  readonly channel: 'push' | 'in-app' | null;
}

const VENUES: readonly string[] = ['binance', 'bybit', 'okx', 'hyperliquid'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads an untrusted message: a Request, or a Refusal naming the first bad field. Settings are checked by their own parser. */
export function parseRequest(raw: unknown): Request | Refusal {
  const refuse = (reason: RefusalReason, detail: string): Refusal => ({ kind: 'refused', reason, detail });
  if (!isRecord(raw)) return refuse('malformed', '$: expected an object');
  const kind = raw['kind'];
  if (typeof kind !== 'string') return refuse('malformed', '$.kind: expected a string');
  switch (kind) {
    case 'get-reports':
    case 'get-settings':
    case 'get-notification-log':
      return { kind };
    case 'get-venue-reports': {
      const venue = raw['venue'];
      if (typeof venue !== 'string' || !VENUES.includes(venue)) return refuse('malformed', `$.venue: expected one of ${VENUES.join(', ')}`);
      return { kind, venue: venue as VenueId };
    }
    case 'save-settings':
      // Shape checked by parseSettings in the handler; here only that there is something to check.
      if (!isRecord(raw['settings'])) return refuse('malformed', '$.settings: expected an object');
      return { kind, settings: raw['settings'] as unknown as ExtensionSettings };
    case 'snooze': {
      const subject = raw['subject'];
      const minutes = raw['minutes'];
      if (typeof subject !== 'string' || subject.length === 0 || subject.length > 300) return refuse('malformed', '$.subject: expected a subject key');
      if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes < 1 || minutes > 1440) return refuse('malformed', '$.minutes: expected a number from 1 to 1440');
      return { kind, subject, minutes };
    }
    case 'list-accounts':
      return { kind };
    case 'add-account': {
      const venue = raw['venue'];
      if (typeof venue !== 'string' || !VENUES.includes(venue)) return refuse('malformed', `$.venue: expected one of ${VENUES.join(', ')}`);
      const label = raw['label'];
      if (typeof label !== 'string' || label.trim().length === 0 || label.length > 60) return refuse('malformed', '$.label: expected 1..60 characters');
      const target = raw['target'];
      if (target !== 'venue' && target !== 'simulator') return refuse('malformed', '$.target: expected venue or simulator');
      const access = raw['access'];
      if (!isRecord(access)) return refuse('malformed', '$.access: expected an object');
      const clean: Record<string, string> = {};
      for (const f of ['apiKey', 'apiSecret', 'passphrase', 'address'] as const) {
        const v = access[f];
        if (v === undefined || v === '') continue;
        if (typeof v !== 'string' || v.length > 256 || /\s/.test(v)) return refuse('malformed', `$.access.${f}: expected up to 256 characters without spaces`);
        clean[f] = v;
      }
      const passphrase = raw['passphrase'];
      if (typeof passphrase !== 'string' || passphrase.length < 8 || passphrase.length > 256) return refuse('malformed', '$.passphrase: expected 8..256 characters');
      return { kind, venue: venue as VenueId, label: label.trim(), target, access: clean, passphrase };
    }
    case 'unlock-accounts': {
      const passphrase = raw['passphrase'];
      if (typeof passphrase !== 'string' || passphrase.length < 8 || passphrase.length > 256) return refuse('malformed', '$.passphrase: expected 8..256 characters');
      return { kind, passphrase };
    }
    case 'get-phone-pairing':
    case 'unpair-phone':
      return { kind };
    case 'pair-phone': {
      const link = raw['link'];
      if (typeof link !== 'string' || link.trim().length === 0 || link.length > 8000) return refuse('malformed', '$.link: expected the pairing link (up to 8000 characters)');
      const passphrase = raw['passphrase'];
      if (typeof passphrase !== 'string' || passphrase.length < 8 || passphrase.length > 256) return refuse('malformed', '$.passphrase: expected 8..256 characters');
      return { kind, link, passphrase };
    }
    case 'remove-account': {
      const id = raw['id'];
      if (typeof id !== 'string' || id.length === 0 || id.length > 100) return refuse('malformed', '$.id: expected an account id');
      return { kind, id };
    }
    default:
      return refuse('unknown-kind', `$.kind: no request "${kind.slice(0, 40)}"`);
  }
}
