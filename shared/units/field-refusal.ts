/**
 * Thrown only inside a parser's walk over untrusted input, and caught at that parser's door, which
 * turns it into its own typed error value (`InputError`, `PolicyError`, `WireError`, ...). It names
 * the path of the bad field so the user sees exactly what to fix. Nothing outside a parser sees it.
 */
export class FieldRefusal extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
