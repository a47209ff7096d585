import type { AccountReport } from '../../shared/protocol/account-report.ts';
import { REPORTS_PORT, type PortMessage, type Reply, type Request, type RequestKind } from '../messages.ts';

/** The only place pages and content scripts talk to the worker: one-shot requests and the reports stream. */
export async function ask<K extends RequestKind>(request: Extract<Request, { kind: K }>): Promise<Reply<K>> {
  return (await chrome.runtime.sendMessage(request)) as Reply<K>;
}

/**
 * Streams reports while the page lives. `venue` (content scripts) limits it to that venue. Returns a
 * stop function; `onGone` runs when the worker side goes away (a killed worker: reconnect; an extension
 * reloaded under a content script: go quiet).
 */
export function streamReports(onReports: (reports: readonly AccountReport[]) => void, onGone: () => void, venue?: string): () => void {
  const port = chrome.runtime.connect({ name: REPORTS_PORT });
  port.onMessage.addListener((m: PortMessage) => {
    if (m.kind === 'reports') onReports(m.reports);
  });
  port.onDisconnect.addListener(onGone);
  if (venue !== undefined) port.postMessage({ venue });
  return () => port.disconnect();
}

/** The demo build may reach loopback (the simulator); the store build may not. */
export const isDemoBuild = (): boolean => (chrome.runtime.getManifest().host_permissions ?? []).includes('http://127.0.0.1/*');
