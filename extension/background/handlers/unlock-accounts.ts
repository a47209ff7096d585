import type { Handler } from '../handler.ts';

export const unlockAccounts: Handler<'unlock-accounts'> = async (request, { sentry }) => {
  const result = await sentry.unlockAccounts(request.passphrase);
  return 'count' in result ? { kind: 'unlocked', count: result.count } : { kind: 'refused', reason: 'failed', detail: result.refusal };
};
