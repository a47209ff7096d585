import { parseDeclarativePush } from '../../shared/protocol/declarative-push.ts';
import { isFieldError } from '../../shared/units/field-error.ts';

/**
 * What the worker shows for one push. Every push shows a notification: Safari revokes the permission of
 * a site whose worker shows nothing, and Chrome shows its own "updated in the background" line. A push
 * our parser refuses becomes a generic notification that opens the app.
 */
export interface NotificationToShow {
  readonly title: string;
  readonly options: NotificationOptions & { readonly data: { readonly navigate: string } };
  /** Count for the app icon badge, or null to leave it alone. */
  readonly appBadge: number | null;
  /** Why the payload was refused (for the worker's console), or null. Never the payload itself. */
  readonly problem: string | null;
}

export const GENERIC_TITLE = 'Margin Sentry';
export const GENERIC_BODY = 'New alert: open Margin Sentry to see it.';

export function notificationForPush(text: string | null, scope: string): NotificationToShow {
  const icon = new URL('icons/icon-192.png', scope).href;
  const push = parseDeclarativePush(text);
  if (isFieldError(push)) {
    return {
      title: GENERIC_TITLE,
      options: { body: GENERIC_BODY, icon, data: { navigate: scope } },
      appBadge: null,
      problem: `push payload refused at ${push.field}: ${push.message}`,
    };
  }
  const options: NotificationOptions & { data: { navigate: string } } = {
    body: push.body,
    icon,
    silent: push.silent,
    data: { navigate: navigationTarget(push.navigate, scope) },
  };
  if (push.lang !== null) options.lang = push.lang;
  if (push.dir !== null) options.dir = push.dir;
  if (push.tag !== null) options.tag = push.tag;
  return { title: push.title, options, appBadge: push.appBadge, problem: null };
}

/**
 * The URL a tap opens: `navigate` resolved against the scope, kept only if it stays inside the app's
 * scope. A push may not send the user to another site (the notification looks like ours).
 */
export function navigationTarget(navigate: unknown, scope: string): string {
  if (typeof navigate !== 'string') return scope;
  try {
    const url = new URL(navigate, scope);
    return url.href.startsWith(scope) ? url.href : scope;
  } catch {
    return scope;
  }
}
