import type { Reply, Request, RequestKind } from '../messages.ts';
import type { PhonePush } from './phone-push.ts';
import type { Sentry } from './sentry.ts';

export interface HandlerContext {
  readonly sentry: Sentry;
  /** The push sender to the paired phone; absent in tests that need none (its requests are then refused). */
  readonly phone?: PhonePush;
}

export type Handler<K extends RequestKind> = (request: Extract<Request, { kind: K }>, context: HandlerContext) => Reply<K> | Promise<Reply<K>>;

/** One handler per request kind: a kind without one does not compile. */
export type HandlerMap = { readonly [K in RequestKind]: Handler<K> };
