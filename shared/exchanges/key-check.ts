import type { VenueId } from '../engine/positions/account.ts';
import type { Hmac } from '../ports/hmac.ts';
import { restUrl, type HttpClient, type HttpResponse, type RestRequest } from '../ports/http.ts';
import type { VenueAccess } from '../ports/venue-adapter.ts';
import { parseJsonText } from '../units/field-readers.ts';
import { epochMs } from '../units/units.ts';
import { apiRestrictionsRequest } from './binance/subscribe.ts';
import { apiKeyInfoRequest } from './bybit/subscribe.ts';
import { accountConfigRequest } from './okx/subscribe.ts';
import { venueAdapters } from './venues.ts';

/**
 * Checks a key against its venue before a home keeps it: one signed read the feed itself makes (the
 * adapter's `balance` snapshot call: a wrong, expired or mistyped key fails here with the venue's own
 * words), then the venue's permission record, because Margin Sentry must hold read-only keys only:
 *
 * - Binance: `GET /sapi/v1/account/apiRestrictions` (spot host): any `enable*Trading`/`enableFutures`/
 *   `enableMargin`/`enableVanillaOptions` is trading, `enableWithdrawals` is withdrawing;
 * - Bybit: `GET /v5/user/query-api`: `readOnly` must be 1; `Wallet` holding `Withdraw` is withdrawing;
 * - OKX: `GET /api/v5/account/config`: `perm` must not name `trade` or `withdraw`;
 * - Hyperliquid: no key, only a public address: its shape is checked, nothing is sent.
 *
 * A request that gets no answer at all (fetch's `TypeError`) is what a browser's CORS refusal looks
 * like to a page, indistinguishable from a network failure: the message says both plainly.
 */
export type KeyCheck =
  | { readonly ok: true; readonly message: string }
  | { readonly ok: false; readonly reason: KeyRefusal; readonly message: string };

export type KeyRefusal = 'missing' | 'refused' | 'can-trade' | 'can-withdraw' | 'unreachable' | 'unreadable';

export interface KeyCheckPorts {
  readonly http: HttpClient;
  readonly hmac: Hmac;
  readonly now: () => number;
}

/** Where the checks go: the venue's REST base and, for Binance, the spot host of apiRestrictions. */
export interface KeyCheckEndpoints {
  readonly rest: string;
  readonly spotRest?: string;
}

export const LIVE_BINANCE_SPOT_REST = 'https://api.binance.com';

const NAMES: Readonly<Record<VenueId, string>> = { binance: 'Binance', bybit: 'Bybit', okx: 'OKX', hyperliquid: 'Hyperliquid' };

const refusal = (reason: KeyRefusal, message: string): KeyCheck => ({ ok: false, reason, message });

type Sent = { readonly reply: HttpResponse } | { readonly failed: KeyCheck };

async function send(ports: KeyCheckPorts, base: string, request: RestRequest, venue: VenueId): Promise<Sent> {
  const url = restUrl(base, request);
  try {
    return { reply: await ports.http.send(url, request) };
  } catch (e) {
    const host = base.replace(/^[a-z]+:\/\//i, '').split('/')[0] ?? base;
    const why =
      e instanceof TypeError
        ? `the browser refused the request (CORS) or the network is down`
        : `no answer (${e instanceof Error && e.name === 'TimeoutError' ? 'timed out' : 'connection failed'})`;
    return {
      failed: refusal('unreachable', `${NAMES[venue]} could not be reached at ${host}: ${why}. The key was not kept. If this venue's REST is blocked for web pages, pair your relay in Settings and try again.`),
    };
  }
}

/** The JSON object of a reply, or undefined. */
function bodyOf(reply: HttpResponse): Record<string, unknown> | undefined {
  const parsed = parseJsonText(reply.body);
  const v = parsed?.value;
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v).slice(0, 200) : '');

/** The venue's own refusal (code and message) of a signed read, or undefined when it answered. */
function venueRefusal(venue: VenueId, reply: HttpResponse): string | undefined {
  const body = bodyOf(reply);
  const unreadable = `HTTP ${reply.status} with a body that is not the venue's JSON`;
  switch (venue) {
    case 'binance':
      if (reply.status === 200 && body !== undefined) return undefined;
      return body === undefined ? unreadable : `${text(body['code'])} ${text(body['msg'])}`.trim();
    case 'bybit':
      if (body === undefined) return unreadable;
      return body['retCode'] === 0 ? undefined : `${text(body['retCode'])} ${text(body['retMsg'])}`.trim();
    default:
      if (body === undefined) return unreadable;
      return body['code'] === '0' ? undefined : `${text(body['code'])} ${text(body['msg'])}`.trim();
  }
}

/** What the permission record grants beyond reading: 'can-withdraw', 'can-trade', null, or undefined when unreadable. */
function grants(venue: VenueId, body: Record<string, unknown>): { grant: 'can-trade' | 'can-withdraw' | null; what: string } | undefined {
  switch (venue) {
    case 'binance': {
      if (typeof body['enableReading'] !== 'boolean') return undefined;
      if (body['enableWithdrawals'] === true) return { grant: 'can-withdraw', what: 'enableWithdrawals' };
      const trading = ['enableFutures', 'enableSpotAndMarginTrading', 'enableMargin', 'enableVanillaOptions', 'enablePortfolioMarginTrading'].filter((k) => body[k] === true);
      return trading.length > 0 ? { grant: 'can-trade', what: trading.join(', ') } : { grant: null, what: '' };
    }
    case 'bybit': {
      const result = body['result'];
      if (typeof result !== 'object' || result === null) return undefined;
      const r = result as Record<string, unknown>;
      const wallet = (r['permissions'] as Record<string, unknown> | undefined)?.['Wallet'];
      if (Array.isArray(wallet) && wallet.includes('Withdraw')) return { grant: 'can-withdraw', what: 'Wallet: Withdraw' };
      if (r['readOnly'] === 1) return { grant: null, what: '' };
      return r['readOnly'] === 0 ? { grant: 'can-trade', what: 'readOnly: 0 (read-write)' } : undefined;
    }
    default: {
      const row = Array.isArray(body['data']) ? (body['data'][0] as Record<string, unknown> | undefined) : undefined;
      const perm = row?.['perm'];
      if (typeof perm !== 'string') return undefined;
      const perms = perm.split(',').map((p) => p.trim());
      if (perms.includes('withdraw')) return { grant: 'can-withdraw', what: `perm: ${perm}` };
      return perms.includes('trade') ? { grant: 'can-trade', what: `perm: ${perm}` } : { grant: null, what: '' };
    }
  }
}

async function permissionRequest(venue: VenueId, access: Required<Pick<VenueAccess, 'apiKey' | 'apiSecret'>> & VenueAccess, ports: KeyCheckPorts): Promise<RestRequest> {
  const now = ports.now();
  switch (venue) {
    case 'binance':
      return apiRestrictionsRequest(access.apiKey, access.apiSecret, now, ports.hmac);
    case 'bybit':
      return apiKeyInfoRequest(access.apiKey, access.apiSecret, now, ports.hmac);
    default:
      return accountConfigRequest({ apiKey: access.apiKey, apiSecret: access.apiSecret, passphrase: access.passphrase ?? '' }, now, ports.hmac);
  }
}

/** Checks `access` against `venue` at `endpoints`; never throws. */
export async function checkKey(venue: VenueId, access: VenueAccess, endpoints: KeyCheckEndpoints, ports: KeyCheckPorts): Promise<KeyCheck> {
  const name = NAMES[venue];
  if (venue === 'hyperliquid') {
    return /^0x[0-9a-fA-F]{40}$/.test(access.address ?? '')
      ? { ok: true, message: 'Hyperliquid needs no key: the address is read from public data.' }
      : refusal('missing', 'address: expected 0x followed by 40 hex digits');
  }
  for (const field of venue === 'okx' ? (['apiKey', 'apiSecret', 'passphrase'] as const) : (['apiKey', 'apiSecret'] as const)) {
    if ((access[field] ?? '').trim() === '') return refusal('missing', `${field}: required for ${name}`);
  }
  const keys = { ...access, apiKey: access.apiKey ?? '', apiSecret: access.apiSecret ?? '' };

  // 1. The feed's own signed balance read: the venue's words for a wrong or expired key.
  const calls = await venueAdapters[venue].snapshotCalls(keys, epochMs(ports.now()), ports.hmac);
  const balance = calls.find((c) => c.purpose === 'balance') ?? calls[0];
  if (balance === undefined) return refusal('unreadable', `${name}: no signed read to check the key with`);
  const read = await send(ports, endpoints.rest, balance.request, venue);
  if ('failed' in read) return read.failed;
  const refused = venueRefusal(venue, read.reply);
  if (refused !== undefined) return refusal('refused', `${name} refused the key: ${refused.replace(/\.+$/, '')}. The key was not kept.`);

  // 2. The key's permissions.
  const base = venue === 'binance' ? (endpoints.spotRest ?? LIVE_BINANCE_SPOT_REST) : endpoints.rest;
  const perm = await send(ports, base, await permissionRequest(venue, keys, ports), venue);
  if ('failed' in perm) return perm.failed;
  const permRefused = venueRefusal(venue, perm.reply);
  if (permRefused !== undefined) return refusal('refused', `${name} would not show the key's permissions: ${permRefused.replace(/\.+$/, '')}. The key was not kept.`);
  const body = bodyOf(perm.reply);
  const granted = body === undefined ? undefined : grants(venue, body);
  if (granted === undefined) return refusal('unreadable', `${name}'s permission record could not be read. The key was not kept.`);
  if (granted.grant === 'can-withdraw') {
    return refusal('can-withdraw', `This ${name} key can withdraw funds (${granted.what}). Margin Sentry keeps read-only keys only: create a key with reading only. The key was not kept.`);
  }
  if (granted.grant === 'can-trade') {
    return refusal('can-trade', `This ${name} key can trade (${granted.what}). Margin Sentry keeps read-only keys only: create a key with reading only. The key was not kept.`);
  }
  return { ok: true, message: `${name} accepted the key, and it is read-only.` };
}
