import type { Handler } from '../handler.ts';

/** The venue is asked first; its refusal (a wrong key) comes back in its own words and nothing is stored. */
export const addAccount: Handler<'add-account'> = async (request, { sentry }) => {
  const result = await sentry.addAccount(request);
  return 'id' in result ? { kind: 'account-added', id: result.id } : { kind: 'refused', reason: 'failed', detail: result.refusal };
};
