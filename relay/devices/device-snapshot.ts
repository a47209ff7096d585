import { parseAccountInput } from '../../shared/exchanges/parse-account-input.ts';
import { parsePolicyOverrides } from '../../shared/engine/monitor/parse-policy-overrides.ts';
import { isFieldError, underField } from '../../shared/units/field-error.ts';

/**
 * `PUT /v1/devices/<id>/snapshot` body: what the relay needs to watch a device's accounts while its
 * phone sleeps, and nothing more: positions, balances, tier tables, the ladder and policy. Never a
 * key. Each account is the document `calc` reads (docs/replay-and-calc.md), checked by the same
 * parser, so a snapshot the relay accepts is one the engine can evaluate.
 *
 *   { "takenAtMs": 1764160000000,
 *     "accounts": [ { "accountId": "binance:main", "account": { "exchange": "binance", … }, "policy": { … } } ] }
 */

export const MAX_ACCOUNTS = 20;
export const MAX_POSITIONS = 200;

export type SnapshotCheck = { ok: true; body: string } | { ok: false; field: string; message: string };

const refuse = (field: string, message: string): SnapshotCheck => ({ ok: false, field, message });

export function checkDeviceSnapshot(raw: unknown): SnapshotCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return refuse('body', 'expected an object');
  const body = raw as Record<string, unknown>;
  const extra = Object.keys(body).find((k) => k !== 'takenAtMs' && k !== 'accounts');
  if (extra !== undefined) return refuse(extra, 'unknown field (a snapshot carries no keys or secrets)');
  const takenAtMs = body['takenAtMs'];
  if (!(typeof takenAtMs === 'number' && Number.isSafeInteger(takenAtMs) && takenAtMs > 0)) return refuse('takenAtMs', 'expected epoch milliseconds');
  const accounts = body['accounts'];
  if (!Array.isArray(accounts) || accounts.length === 0 || accounts.length > MAX_ACCOUNTS) {
    return refuse('accounts', `expected 1 to ${MAX_ACCOUNTS} accounts`);
  }
  const ids = new Set<string>();
  for (const [i, entry] of accounts.entries()) {
    const at = `accounts[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return refuse(at, 'expected an object');
    const e = entry as Record<string, unknown>;
    const extraField = Object.keys(e).find((k) => k !== 'accountId' && k !== 'account' && k !== 'policy');
    if (extraField !== undefined) return refuse(`${at}.${extraField}`, 'unknown field (a snapshot carries no keys or secrets)');
    const accountId = e['accountId'];
    if (typeof accountId !== 'string' || !/^[\w:.-]{1,64}$/.test(accountId)) return refuse(`${at}.accountId`, 'expected 1-64 letters, digits or _:.-');
    if (ids.has(accountId)) return refuse(`${at}.accountId`, 'appears twice');
    ids.add(accountId);
    const positions = (e['account'] as { positions?: unknown } | null | undefined)?.positions;
    if (Array.isArray(positions) && positions.length > MAX_POSITIONS) return refuse(`${at}.account.positions`, `more than ${MAX_POSITIONS} positions`);
    const account = parseAccountInput(e['account']);
    if (isFieldError(account)) {
      const error = underField(`${at}.account`, account);
      return refuse(error.field, error.message);
    }
    if (e['policy'] !== undefined) {
      const policy = parsePolicyOverrides(e['policy'], `${at}.policy`);
      if (isFieldError(policy)) return refuse(policy.field, policy.message);
    }
  }
  return { ok: true, body: JSON.stringify(raw) };
}
