import type { Badge } from '../background/worker-ports.ts';

export const chromeBadge: Badge = {
  async show(look) {
    await Promise.all([
      chrome.action.setBadgeText({ text: look.text }),
      chrome.action.setBadgeBackgroundColor({ color: look.color }),
      chrome.action.setTitle({ title: look.title }),
    ]);
  },
};
