/**
 * What the "alerts on this device" card can offer, from what the browser says about itself.
 * iOS and iPadOS allow notifications only to a web app opened from the Home Screen (16.4+), and only
 * ask from a tap; Safari in a tab has no `Notification` at all, so it gets install guidance, not a
 * button that cannot work. iPadOS reports itself as a Mac; touch points tell them apart.
 */
export interface AlertsEnvironment {
  readonly userAgent: string;
  readonly maxTouchPoints: number;
  /** Opened as an installed app (display-mode standalone, or iOS's navigator.standalone). */
  readonly standalone: boolean;
  /** Notification.permission, or null when the browser has no Notification API. */
  readonly permission: NotificationPermission | null;
  readonly hasServiceWorker: boolean;
}

export type AlertsSetup = 'ios-install' | 'unsupported' | 'ask' | 'granted' | 'denied';

export const isAppleMobile = (env: Pick<AlertsEnvironment, 'userAgent' | 'maxTouchPoints'>): boolean =>
  /iPhone|iPad|iPod/.test(env.userAgent) || (/Macintosh/.test(env.userAgent) && env.maxTouchPoints > 1);

export function alertsSetup(env: AlertsEnvironment): AlertsSetup {
  if (isAppleMobile(env) && !env.standalone) return 'ios-install';
  if (env.permission === null || !env.hasServiceWorker) return 'unsupported';
  if (env.permission === 'granted') return 'granted';
  if (env.permission === 'denied') return 'denied';
  return 'ask';
}

export function readAlertsEnvironment(): AlertsEnvironment {
  return {
    userAgent: navigator.userAgent,
    maxTouchPoints: navigator.maxTouchPoints,
    standalone: matchMedia('(display-mode: standalone)').matches || (navigator as { standalone?: boolean }).standalone === true,
    permission: typeof Notification === 'undefined' ? null : Notification.permission,
    hasServiceWorker: 'serviceWorker' in navigator,
  };
}
