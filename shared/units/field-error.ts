/**
 * Why an untrusted document was refused: the path of the first bad field and what was wrong with it.
 * One shape for every parser (venue frames, the calc account, the replay document, settings, price
 * series), so a home shows every refusal the same way: `positions[1].markPrice: expected a price > 0`.
 * Plain data: it crosses postMessage and JSON unchanged.
 */
export interface FieldError {
  readonly kind: 'field-error';
  /** Path of the bad field from the document's root, e.g. `positions[1].markPrice`, `a.P[0].pa`; `input` for the root itself. */
  readonly field: string;
  readonly message: string;
}

export const isFieldError = (v: unknown): v is FieldError =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'field-error';

export const fieldError = (field: string, message: string): FieldError => ({ kind: 'field-error', field, message });

/** A refusal reported under a parent's path: the account inside a replay document is `account.…`. */
export const underField = (parent: string, error: FieldError): FieldError =>
  fieldError(error.field === ROOT ? parent : `${parent}.${error.field}`, error.message);

/** The path name of a document's root. */
export const ROOT = 'input';

/**
 * Thrown only inside a parser's walk (field-readers.ts) and caught by `readFields` at that parser's
 * door, so the walk can stop at the first bad field without threading errors through every reader.
 * Nothing outside a parser sees it.
 */
class FieldRefusal extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Stops the current walk: `field` is bad for the reason in `message`. */
export function refuse(field: string, message: string): never {
  throw new FieldRefusal(field === '' ? ROOT : field, message);
}

/**
 * Runs a reader walk and returns its value or the first refusal. Any other exception (a bug in the
 * walk) is reported too, because a parser must never throw at the feed or at a form.
 */
export function readFields<T>(walk: () => T): T | FieldError {
  try {
    return walk();
  } catch (e) {
    if (e instanceof FieldRefusal) return fieldError(e.field, e.message);
    return fieldError('?', `parser fault: ${e instanceof Error ? e.message : String(e)}`);
  }
}
