import { decodeBase64url, encodeBase64url } from '../../../shared/push/base64url.ts';
import type { PushSubscriber } from './sender-pairing.ts';

const sameKey = (a: ArrayBuffer | null, b: string): boolean => a !== null && encodeBase64url(new Uint8Array(a)) === b;

/**
 * The browser's PushManager as a PushSubscriber. A service worker registration holds one subscription,
 * and it accepts one signing key: one made with this key is reused; one made with another key (a
 * relay paired with its own key) is reported, and replaced only when the user says so.
 */
export const browserPushSubscriber: PushSubscriber = {
  async subscribe(applicationServerKey, replace) {
    if (!('serviceWorker' in navigator)) return { problem: 'This browser has no service workers: nothing can push to it.', otherKey: false };
    const registration = await navigator.serviceWorker.ready;
    if (!('pushManager' in registration)) return { problem: 'This browser has no push: on an iPhone, add the app to the Home Screen first.', otherKey: false };
    try {
      const existing = await registration.pushManager.getSubscription();
      if (existing !== null && !replace && sameKey(existing.options.applicationServerKey, applicationServerKey)) return { subscription: existing.toJSON() };
      if (existing !== null) {
        if (!replace) return { problem: 'This phone is subscribed to push with another key (your relay\'s). One subscription accepts one key: replacing it stops that sender reaching this phone until it is paired again.', otherKey: true };
        await existing.unsubscribe();
      }
      const key = decodeBase64url(applicationServerKey);
      if (key === null) return { problem: 'The phone key is damaged.', otherKey: false };
      const sub = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key as Uint8Array<ArrayBuffer> });
      return { subscription: sub.toJSON() };
    } catch (e) {
      return { problem: `The browser refused a push subscription (${e instanceof Error ? e.message : 'no reason given'}). Allow notifications first.`, otherKey: false };
    }
  },
};
