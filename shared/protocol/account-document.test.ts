import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAccountInput } from '../exchanges/parse-account-input.ts';
import { isFieldError } from '../units/field-error.ts';
import { accountDocument, documentChangeKey } from './account-document.ts';

const read = (name: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, '../../examples', name), 'utf8'));

describe('accountDocument', () => {
  it('gives back a document the calc parser reads as the same account (plain data through JSON)', () => {
    for (const name of ['binance-cross.json']) {
      const input = parseAccountInput(read(name));
      if (isFieldError(input)) throw new Error(input.message);
      const doc = JSON.parse(JSON.stringify(accountDocument(input.account))) as unknown;
      const again = parseAccountInput(doc);
      expect(isFieldError(again) ? again : again.account).toStrictEqual(input.account);
    }
  });

  it('changes its key with a position, not with a mark', () => {
    const input = parseAccountInput(read('binance-cross.json'));
    if (isFieldError(input)) throw new Error(input.message);
    const a = input.account;
    const key = documentChangeKey(accountDocument(a));
    const moved = { ...a, positions: a.positions.map((p) => ({ ...p, markPrice: (p.markPrice * 1.01) as typeof p.markPrice })) };
    expect(documentChangeKey(accountDocument(moved))).toBe(key);
    const grown = { ...a, positions: a.positions.map((p, i) => (i === 0 ? { ...p, qty: (p.qty * 2) as typeof p.qty } : p)) };
    expect(documentChangeKey(accountDocument(grown))).not.toBe(key);
  });
});
