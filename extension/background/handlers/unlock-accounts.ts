import type { Handler } from '../handler.ts';

/** The one passphrase opens the accounts and the phone pairing; it is right when it opens either. */
export const unlockAccounts: Handler<'unlock-accounts'> = async (request, { sentry, phone }) => {
  const pairing = (await phone?.unlock(request.passphrase)) ?? false;
  const result = await sentry.unlockAccounts(request.passphrase);
  if ('count' in result) return { kind: 'unlocked', count: result.count };
  return pairing ? { kind: 'unlocked', count: 0 } : { kind: 'refused', reason: 'failed', detail: result.refusal };
};
