/** "at 14:02 (12 min ago)", or with the date when it was not today; never NaN for a bad time. */
export function formatSavedAt(savedAt: number, now: number): string {
  if (!Number.isFinite(savedAt) || !Number.isFinite(now)) return 'at an unknown time';
  const when = new Date(savedAt);
  const sameDay = new Date(now).toDateString() === when.toDateString();
  // The 24-hour clock of every other time on the screens (format.ts fmtTime), not the browser's 12-hour one.
  const clock = when.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  const stamp = sameDay ? `at ${clock}` : `on ${when.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} at ${clock}`;
  return `${stamp} (${age(Math.max(0, now - savedAt))})`;
}

function age(ms: number): string {
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}
