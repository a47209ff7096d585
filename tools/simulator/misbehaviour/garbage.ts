import type { SeededRandom } from '../../market-paths/seeded-random.ts';

/**
 * Malformed frames for the `garbage` scenario, made from a real frame so they look like the venue's
 * own traffic gone wrong: truncated JSON, a numeric string turned to "NaN"/"Infinity"/"" or to the
 * wrong type, a required field dropped, an unknown event kind, a huge number, or bytes that are not
 * JSON at all. A client must count and skip every one of them.
 */
export const GARBAGE_KINDS = ['truncated', 'nan-string', 'wrong-type', 'missing-field', 'unknown-event', 'huge-number', 'not-json'] as const;
export type GarbageKind = (typeof GARBAGE_KINDS)[number];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function garbageFrame(frame: unknown, rng: SeededRandom): { kind: GarbageKind; text: string } {
  const kind = GARBAGE_KINDS[Math.floor(rng.next() * GARBAGE_KINDS.length)] ?? 'truncated';
  const copy = JSON.parse(JSON.stringify(frame ?? {})) as Json;
  const text = JSON.stringify(copy);
  switch (kind) {
    case 'truncated':
      return { kind, text: text.slice(0, Math.max(1, Math.floor(text.length * (0.2 + 0.6 * rng.next())))) };
    case 'not-json':
      return { kind, text: `\u0000\u00ff<html>502 Bad Gateway</html>${text.slice(0, 8)}` };
    case 'unknown-event':
      return { kind, text: JSON.stringify(renameEvent(copy)) };
    default: {
      const leaves = numericLeaves(copy);
      const leaf = leaves[Math.floor(rng.next() * leaves.length)];
      if (leaf === undefined) return { kind: 'truncated', text: text.slice(0, Math.ceil(text.length / 2)) };
      const [holder, key] = leaf;
      const replacement: Record<string, Json | undefined> = {
        'nan-string': rng.next() < 0.5 ? 'NaN' : 'Infinity',
        'wrong-type': rng.next() < 0.5 ? { value: holder[key] ?? null } : true,
        'huge-number': '1e400',
        'missing-field': undefined,
      };
      if (kind === 'missing-field') delete holder[key];
      else holder[key] = replacement[kind] ?? null;
      return { kind, text: JSON.stringify(copy) };
    }
  }
}

/** Object fields holding a decimal string or a number, anywhere in the frame. */
function numericLeaves(node: Json, out: [Record<string, Json>, string][] = []): [Record<string, Json>, string][] {
  if (Array.isArray(node)) {
    for (const item of node) numericLeaves(item, out);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))) out.push([node, key]);
      else numericLeaves(value, out);
    }
  }
  return out;
}

/** Turns whatever names the frame's kind (e, topic, channel, arg.channel) into one no client knows. */
function renameEvent(node: Json): Json {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return { e: 'simUnknownEvent', data: node };
  for (const key of ['e', 'topic', 'channel']) {
    if (typeof node[key] === 'string') return { ...node, [key]: `sim${String(node[key])}X` };
  }
  const arg = node['arg'];
  if (arg !== null && typeof arg === 'object' && !Array.isArray(arg)) return { ...node, arg: { ...arg, channel: 'sim-unknown-channel' } };
  return { ...node, e: 'simUnknownEvent' };
}
