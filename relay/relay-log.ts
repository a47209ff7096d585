/**
 * Structured logs: one JSON object per line, time first. Callers pass ids and counts, never a token,
 * a key, a subscription endpoint (a capability URL) or a snapshot body.
 */
export interface RelayLog {
  info(message: string, fields?: Readonly<Record<string, string | number | boolean | null>>): void;
  error(message: string, fields?: Readonly<Record<string, string | number | boolean | null>>): void;
}

export function jsonLinesLog(write: (line: string) => void, clock: () => number = Date.now): RelayLog {
  const line = (level: string) => (message: string, fields: Readonly<Record<string, string | number | boolean | null>> = {}) =>
    write(`${JSON.stringify({ t: new Date(clock()).toISOString(), level, message, ...fields })}\n`);
  return { info: line('info'), error: line('error') };
}

export const silentLog: RelayLog = { info: () => {}, error: () => {} };
