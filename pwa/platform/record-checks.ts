import type { StoreName } from './db-schema.ts';
import { plainDataProblem } from './plain-data.ts';

/**
 * What a record read back from IndexedDB must look like, per store. Another app, an older bug or a
 * hand edit in DevTools can leave anything there; a record that fails its check is dropped (and
 * counted in the report) instead of reaching a screen.
 */
type Check = (v: Record<string, unknown>) => string | null;

const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 256;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1e15;
const isBytes = (v: unknown, min: number, max: number): boolean => v instanceof Uint8Array && v.length >= min && v.length <= max;
const isGcmKey = (v: unknown): boolean =>
  typeof CryptoKey !== 'undefined' && v instanceof CryptoKey && v.algorithm.name === 'AES-GCM' && !v.extractable && v.usages.includes('decrypt');

const checkVaultCheck = (v: unknown): string | null =>
  typeof v === 'object' && v !== null && isBytes((v as Record<string, unknown>).iv, 12, 12) && isBytes((v as Record<string, unknown>).ciphertext, 17, 4096)
    ? null
    : 'its check value is damaged';

const CHECKS: Readonly<Record<StoreName, Check>> = {
  snapshots: (v) => (!isName(v.accountId) ? 'no account id' : !isTime(v.savedAt) ? 'no save time' : plainDataProblem(v.snapshot, 'snapshot')),
  alerts: (v) =>
    !isName(v.id) ? 'no alert id' : !isName(v.accountId) ? 'no account id' : !isTime(v.at) ? 'no alert time' : plainDataProblem(v.alert, 'alert'),
  settings: (v) => (!isName(v.name) ? 'no setting name' : plainDataProblem(v.value, 'value')),
  secrets: (v) => (!isName(v.name) ? 'no secret name' : !isBytes(v.iv, 12, 12) ? 'a bad IV' : !isBytes(v.ciphertext, 16, 1 << 16) ? 'a bad ciphertext' : null),
  vault: (v) => {
    if (v.id !== 'vault') return 'not the vault record';
    if (v.kind === 'passphrase') {
      if (!isBytes(v.salt, 16, 64)) return 'a bad salt';
      if (typeof v.iterations !== 'number' || !Number.isInteger(v.iterations) || v.iterations < 1) return 'a bad iteration count';
      return checkVaultCheck(v.check);
    }
    if (v.kind === 'device') return isGcmKey(v.key) ? checkVaultCheck(v.check) : 'no usable device key';
    return 'an unknown kind';
  },
  marks: (v) =>
    !isName(v.symbol)
      ? 'no symbol'
      : !isTime(v.t)
        ? 'no time'
        : typeof v.price !== 'number' || !Number.isFinite(v.price) || !(v.price > 0)
          ? `price ${String(v.price)} is not a finite price > 0`
          : null,
};

/** Null when the record fits its store, otherwise why not (never the record's content: it may be a secret). */
export function recordProblem(store: StoreName, value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  return CHECKS[store](value as Record<string, unknown>);
}
