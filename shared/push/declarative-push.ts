import type { AlertNotification } from '../protocol/alert-notification.ts';

/**
 * The push payload: a Declarative Web Push message (WebKit, iOS/iPadOS 18.4+: shown by the browser
 * even if the service worker fails), which our PWA's service worker also parses in its `push` handler
 * for every other browser. `mutable: true` lets our worker handle it first where it can (to add the
 * tag and the snooze action); `navigate` is required and opens the app on the alert.
 */
export const DECLARATIVE_PUSH_MAGIC = 8030;

export interface DeclarativePushMessage {
  readonly web_push: typeof DECLARATIVE_PUSH_MAGIC;
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

export function declarativePush(n: AlertNotification, navigate: string): DeclarativePushMessage {
  const body = n.body.length > MAX_BODY_CHARS ? `${n.body.slice(0, MAX_BODY_CHARS - 1)}…` : n.body;
  return { web_push: DECLARATIVE_PUSH_MAGIC, mutable: true, notification: { title: n.title.slice(0, 200), body, navigate, tag: n.tag, lang: 'en', silent: false } };
}
