import type { Account } from '../engine/positions/account.ts';

/**
 * An account as the document `calc` reads (docs/replay-and-calc.md, parsed by
 * shared/exchanges/parse-account-input.ts): what a home sends its relay as the account's snapshot.
 * Plain data only; an unbounded last tier has no `cap`; a position's fee rate is carried so the relay
 * values a close exactly as the home does.
 */
export type AccountDocument = { readonly [key: string]: string | number | readonly { readonly [key: string]: string | number | readonly { readonly [key: string]: number }[] }[] };

export function accountDocument(account: Account): AccountDocument {
  return {
    exchange: account.exchange,
    walletBalance: account.walletBalance,
    positions: account.positions.map((p) => ({
      symbol: p.symbol,
      side: p.side,
      qty: p.qty,
      entryPrice: p.entryPrice,
      markPrice: p.markPrice,
      marginMode: p.marginMode,
      takerFeeRate: p.takerFeeRate,
      ...(p.leverage === undefined ? {} : { leverage: p.leverage }),
      ...(p.accountType === undefined ? {} : { accountType: p.accountType }),
      ...(p.isolatedMargin === undefined ? {} : { isolatedMargin: p.isolatedMargin }),
      tierBasis: p.tiers.basis,
      tiers: p.tiers.tiers.map((t) => ({ floor: t.floor, ...(Number.isFinite(t.cap) ? { cap: t.cap } : {}), mmr: t.mmr, deduction: t.deduction })),
    })),
  };
}

/** What of a document makes it worth sending again: everything but the marks (the relay follows those itself). */
export const documentChangeKey = (doc: AccountDocument): string =>
  JSON.stringify(doc, (key, value: unknown) => (key === 'markPrice' ? undefined : value));
