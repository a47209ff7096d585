import type { Handler } from '../handler.ts';

export const getSettings: Handler<'get-settings'> = (_request, { sentry }) => ({ kind: 'settings', settings: sentry.settings() });
