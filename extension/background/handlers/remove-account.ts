import type { Handler } from '../handler.ts';

export const removeAccount: Handler<'remove-account'> = async (request, { sentry }) =>
  (await sentry.removeAccount(request.id)) ? { kind: 'account-removed', id: request.id } : { kind: 'refused', reason: 'failed', detail: `$.id: no account ${request.id.slice(0, 100)}` };
