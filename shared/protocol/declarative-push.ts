import type { AlertNotification } from './alert-notification.ts';
import { fieldError, readFields, refuse, ROOT, type FieldError } from '../units/field-error.ts';
import { parseJsonText, obj, str, oneOf, type FieldObject } from '../units/field-readers.ts';

/**
 * Declarative Web Push: the push message body the relay sends and every home shows.
 *
 *   {"web_push": 8030, "notification": {"title": "BTCUSDT margin call", "body": "rho 0.82 ...",
 *    "navigate": "/?alert=a-17", "lang": "en", "dir": "ltr", "silent": false, "app_badge": "1"},
 *    "mutable": true}
 *
 * Safari 18.4 (iOS/iPadOS) shows it without running our worker; other browsers fire `push`, and the
 * worker parses the same JSON with this parser. Sources (read 2026-11-26): webkit.org/blog/16535,
 * WebKit explainers `DeclarativeWebPush/README.md`, w3c/push-api PR #402. `app_badge` sits inside
 * `notification` as a string in WebKit's example and at the top level as an integer in PR #402, so
 * both are read. Unknown members are ignored (the format is meant to grow).
 *
 * A worker must show something for every push (Safari revokes the permission after silent pushes),
 * so the caller turns a refusal into a generic notification, never into nothing.
 */
export interface DeclarativePush {
  readonly title: string;
  /** '' when the message has none. */
  readonly body: string;
  /** The default action's URL, as sent (absolute or relative); the home resolves and checks it. */
  readonly navigate: string;
  readonly lang: string | null;
  readonly dir: 'auto' | 'ltr' | 'rtl' | null;
  readonly silent: boolean;
  readonly tag: string | null;
  /** Non-negative integer, or null when the message sets no badge. */
  readonly appBadge: number | null;
  /** True when the sender lets a worker change the notification before it is shown. */
  readonly mutable: boolean;
}

/** The magic number that marks a declarative message (the RFC number of Web Push). */
export const DECLARATIVE_PUSH_MARK = 8030;

const MAX_TITLE = 200;
const MAX_BODY = 1000;
const MAX_URL = 2048;
const MAX_SHORT = 64;

/** Parses a push body (the decrypted text, or null when the push carried no data). */
export function parseDeclarativePush(text: string | null): DeclarativePush | FieldError {
  if (text === null) return fieldError(ROOT, 'the push carried no data');
  const json = parseJsonText(text);
  if (json === undefined) return fieldError(ROOT, 'the push data is not JSON');
  return readFields(() => readPush(json.value));
}

function readPush(raw: unknown): DeclarativePush {
  const top = obj(raw, '');
  if (top.web_push !== DECLARATIVE_PUSH_MARK) refuse('web_push', `expected ${DECLARATIVE_PUSH_MARK}, got ${JSON.stringify(top.web_push) ?? 'nothing'}`);
  const n = obj(top.notification, 'notification');
  const title = bounded(n.title, 'notification.title', MAX_TITLE);
  if (title.trim() === '') refuse('notification.title', 'expected a non-empty title');
  const navigate = bounded(n.navigate, 'notification.navigate', MAX_URL);
  if (navigate.trim() === '') refuse('notification.navigate', 'expected a non-empty URL');
  return {
    title,
    body: n.body === undefined ? '' : bounded(n.body, 'notification.body', MAX_BODY),
    navigate,
    lang: n.lang === undefined ? null : bounded(n.lang, 'notification.lang', MAX_SHORT),
    dir: n.dir === undefined ? null : oneOf<'auto' | 'ltr' | 'rtl'>(n.dir, 'notification.dir', ['auto', 'ltr', 'rtl']),
    silent: optionalBoolean(n, 'silent', 'notification.silent'),
    tag: n.tag === undefined ? null : bounded(n.tag, 'notification.tag', MAX_SHORT),
    appBadge: readBadge(top, n),
    mutable: optionalBoolean(top, 'mutable', 'mutable'),
  };
}

function bounded(raw: unknown, path: string, max: number): string {
  const s = str(raw, path);
  if (s.length > max) refuse(path, `expected at most ${max} characters, got ${s.length}`);
  return s;
}

function optionalBoolean(o: FieldObject, key: string, path: string): boolean {
  const raw = o[key];
  if (raw === undefined) return false;
  if (typeof raw !== 'boolean') refuse(path, `expected true or false, got ${typeof raw}`);
  return raw;
}

function readBadge(top: FieldObject, n: FieldObject): number | null {
  const [raw, path] = top.app_badge !== undefined ? [top.app_badge, 'app_badge'] : [n.app_badge, 'notification.app_badge'];
  if (raw === undefined || raw === null) return null;
  const value = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1e9) {
    refuse(path, `expected a badge count (integer >= 0), got ${JSON.stringify(raw)}`);
  }
  return value;
}

/**
 * The push payload: a Declarative Web Push message (WebKit, iOS/iPadOS 18.4+: shown by the browser
 * even if the service worker fails), which our PWA's service worker also parses in its `push` handler
 * for every other browser. `mutable: true` lets our worker handle it first where it can (to add the
 * tag and the snooze action); `navigate` is required and opens the app on the alert.
 */
/** What the relay and the extension send (the parser above reads it back, field by field). */
export interface DeclarativePushMessage {
  readonly web_push: typeof DECLARATIVE_PUSH_MARK;
  readonly mutable: true;
  readonly notification: {
    readonly title: string;
    readonly body: string;
    readonly navigate: string;
    readonly tag: string;
    readonly lang: 'en';
    readonly silent: false;
  };
}

/** Keeps the encrypted body under a few KB (3993 octets is the hard limit): long text is cut, not refused. */
const MAX_BODY_CHARS = 600;

export function declarativePush(n: Pick<AlertNotification, 'title' | 'body' | 'tag'>, navigate: string): DeclarativePushMessage {
  const body = n.body.length > MAX_BODY_CHARS ? `${n.body.slice(0, MAX_BODY_CHARS - 1)}…` : n.body;
  return { web_push: DECLARATIVE_PUSH_MARK, mutable: true, notification: { title: n.title.slice(0, 200), body, navigate, tag: n.tag, lang: 'en', silent: false } };
}
