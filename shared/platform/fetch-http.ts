import type { HttpClient } from '../ports/http.ts';

/**
 * The `HttpClient` port on `fetch` (browsers, extension workers, Node 20). A request that gets no
 * answer within `timeoutMs` is aborted and rejects, like a refused connection.
 */
export function fetchHttp(timeoutMs = 15_000): HttpClient {
  return {
    async send(url, request) {
      const response = await fetch(url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: response.status, body: await response.text() };
    },
  };
}
