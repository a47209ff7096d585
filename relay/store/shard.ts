/**
 * Which relay worker follows a device: FNV-1a (32 bit) of the device id modulo the worker count.
 * Stable across restarts and machines, so every worker agrees without talking to the others; the
 * stores keep the hash beside the device so they can filter by shard in SQL.
 */
export function deviceHash(deviceId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < deviceId.length; i += 1) {
    hash ^= deviceId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export const inShard = (deviceId: string, shard: { readonly index: number; readonly count: number }): boolean => deviceHash(deviceId) % shard.count === shard.index;
