import type { IncomingMessage } from 'node:http';

/** A request the relay refuses, with the status and one line saying why (and the field, if one). */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field: string | null = null,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/**
 * The request's JSON body, read up to `limitBytes`: past it the read stops at once with 413 (the
 * rest is never buffered), a wrong content type is 415, and text that is not JSON is 400.
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) return Promise.reject(new HttpRefusal(415, 'send the body as application/json'));
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limitBytes) return Promise.reject(new HttpRefusal(413, `body larger than ${limitBytes} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limitBytes) {
        done = true;
        reject(new HttpRefusal(413, `body larger than ${limitBytes} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new HttpRefusal(400, 'body is not JSON'));
      }
    });
    req.on('error', (error) => {
      if (!done) reject(error);
      done = true;
    });
  });
}
