/**
 * A REST call as data: what a venue adapter builds (already signed when it needs to be) and a home
 * sends. `query` is the exact, already-encoded query string (no leading `?`), because the venues sign
 * those very bytes.
 */
export interface RestRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the venue's REST base, e.g. `/fapi/v1/leverageBracket`. */
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

/** Sends one request. Rejects only when no response arrived (network down, refused); any status resolves. */
export interface HttpClient {
  send(url: string, request: RestRequest): Promise<HttpResponse>;
}

/** The full URL of `request` below a REST base such as `https://fapi.binance.com` or `http://127.0.0.1:8780/binance`. */
export const restUrl = (base: string, request: RestRequest): string =>
  `${base}${request.path}${request.query === '' ? '' : `?${request.query}`}`;
