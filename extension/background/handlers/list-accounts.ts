import type { Handler } from '../handler.ts';

/** What the options page shows of each account: never its keys or their sealed box. */
export const listAccounts: Handler<'list-accounts'> = async (_request, { sentry }) => ({ kind: 'accounts', accounts: await sentry.listAccounts() });
