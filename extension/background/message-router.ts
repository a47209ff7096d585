import { CONTENT_SCRIPT_KINDS, parseRequest, type Refusal, type Reply, type Request, type RequestKind } from '../messages.ts';
import type { HandlerContext, HandlerMap } from './handler.ts';

/** Who sent a message, as the worker sees it (a subset of chrome.runtime.MessageSender). */
export interface SenderInfo {
  readonly id?: string | undefined;
  /** Set when the sender is in a tab: every content script, and our own pages opened in a tab. */
  readonly tab?: unknown;
  readonly url?: string | undefined;
}

export type SenderKind = 'extension-page' | 'content-script' | 'foreign';

/**
 * The bitwarden rule: our own id only. Our pages (popup, options, even when opened in a tab) have our own
 * origin; anything else with our id is a content script, running next to the venue's own code.
 */
export function senderKind(sender: SenderInfo, ownId: string, ownOrigin: string): SenderKind {
  if (sender.id !== ownId) return 'foreign';
  if (sender.url !== undefined && sender.url.startsWith(ownOrigin)) return 'extension-page';
  return sender.tab !== undefined && sender.tab !== null ? 'content-script' : 'foreign';
}

/** Parses, checks the sender against the kind, runs the one handler; anything else is a typed refusal. */
export async function route(raw: unknown, sender: SenderKind, handlers: HandlerMap, context: HandlerContext): Promise<Reply<RequestKind> | Refusal> {
  if (sender === 'foreign') return { kind: 'refused', reason: 'not-allowed', detail: 'sender: not this extension' };
  const request = parseRequest(raw);
  if (request.kind === 'refused') return request;
  if (sender === 'content-script' && !CONTENT_SCRIPT_KINDS.has(request.kind)) {
    return { kind: 'refused', reason: 'not-allowed', detail: `$.kind: a content script may not send "${request.kind}"` };
  }
  try {
    return await dispatch(request, handlers, context);
  } catch (e) {
    return { kind: 'refused', reason: 'failed', detail: e instanceof Error ? e.message : String(e) };
  }
}

function dispatch(request: Request, handlers: HandlerMap, context: HandlerContext): Reply<RequestKind> | Promise<Reply<RequestKind>> {
  // The map is keyed by kind, so the pairing is sound; TypeScript cannot follow it through the union.
  const handler = handlers[request.kind] as (r: Request, c: HandlerContext) => Reply<RequestKind> | Promise<Reply<RequestKind>>;
  return handler(request, context);
}
