import { parseSettings } from '../../settings.ts';
import type { Handler } from '../handler.ts';

/** Checked field by field before anything is stored; a bad field is refused by name. */
export const saveSettings: Handler<'save-settings'> = async (request, { sentry }) => {
  const parsed = parseSettings(request.settings);
  if (!parsed.ok) return { kind: 'refused', reason: 'malformed', detail: parsed.error.replace(/^\$/, '$.settings') };
  await sentry.saveSettings(parsed.settings);
  return { kind: 'saved' };
};
