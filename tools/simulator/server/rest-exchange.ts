import type { IncomingHttpHeaders } from 'node:http';

/** One REST call as a venue handler sees it: the venue's own path (prefix stripped) and raw query. */
export interface RestRequest {
  readonly method: string;
  /** e.g. `/fapi/v1/premiumIndex` for `/binance/fapi/v1/premiumIndex`. */
  readonly path: string;
  /** The raw query string without `?` (signatures cover it byte for byte). */
  readonly rawQuery: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RestReply {
  readonly status: number;
  readonly body: unknown;
}

export const ok = (body: unknown): RestReply => ({ status: 200, body });

/** A header's single value (Node joins repeated headers; venues send each once). */
export function header(req: RestRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
