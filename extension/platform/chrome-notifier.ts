import type { Notifier } from '../background/worker-ports.ts';

/** chrome.notifications, basic template only; the icon is the extension's own (a data URL needs no file). */
const ICON =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

export const chromeNotifier: Notifier = {
  async show(n) {
    await chrome.notifications.create(n.id, {
      type: 'basic',
      iconUrl: ICON,
      title: n.title,
      message: n.message,
      priority: n.priority,
      requireInteraction: n.requireInteraction,
      buttons: n.buttons.map((title) => ({ title })),
    });
  },
  async clear(id) {
    await chrome.notifications.clear(id);
  },
};
