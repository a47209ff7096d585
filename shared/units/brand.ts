/**
 * The one brand helper. A branded number is a plain number at run time; the brand only stops a
 * price from being passed where a quantity or a USDT amount is expected.
 */
declare const unit: unique symbol;
export type Brand<Unit extends string> = number & { readonly [unit]: Unit };
