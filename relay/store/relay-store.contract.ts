import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceRecord, PushRecord, RelayStore } from './relay-store.ts';
import { inShard } from './shard.ts';

/**
 * The behaviour every RelayStore must have, run against each implementation (SQLite always;
 * PostgreSQL where a server is available). `open` gives a fresh, empty store; `reopen` the same data
 * after a restart.
 */
export function relayStoreContract(name: string, open: () => Promise<RelayStore>, reopen: () => Promise<RelayStore>): void {
  describe(`RelayStore contract: ${name}`, () => {
    let store: RelayStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    const dev = (id: string): DeviceRecord => ({ id, tokenHash: `h-${id}`, createdAtMs: 1_000, subscription: `{"endpoint":"https://p.test/${id}"}`, vapidJwk: null, subject: 'mailto:a@b.test' });
    const push = (deviceId: string, key: string, at = 5_000, topicKey: string | null = `t-${key}`): PushRecord => ({ deviceId, dedupeKey: key, payload: `{"k":"${key}"}`, urgency: 'high', topicKey, ttlSec: 300, createdAtMs: at });

    it('keeps devices and gives them back as stored; an unknown id is null', async () => {
      await store.createDevice(dev('a'));
      expect(await store.device('a')).toEqual(dev('a'));
      expect(await store.device('nope')).toBeNull();
      await expect(store.createDevice(dev('a'))).rejects.toThrow();
    });

    it('a snapshot replaces the previous one; deleting a device removes what it owns', async () => {
      await store.createDevice(dev('a'));
      await store.putSnapshot({ deviceId: 'a', body: '{"v":1}', receivedAtMs: 10 });
      await store.putSnapshot({ deviceId: 'a', body: '{"v":2}', receivedAtMs: 20 });
      expect(await store.snapshot('a')).toEqual({ deviceId: 'a', body: '{"v":2}', receivedAtMs: 20 });
      await store.saveDecisions({ deviceId: 'a', accountId: 'x', state: '{}', savedAtMs: 30 }, [push('a', 'k1')]);
      await store.deleteDevice('a');
      expect(await store.device('a')).toBeNull();
      expect(await store.snapshot('a')).toBeNull();
      expect(await store.monitors('a')).toEqual([]);
      expect(await store.pushes('a')).toEqual([]);
    });

    it('saves a monitor and its pushes together; the same decision is queued once', async () => {
      await store.createDevice(dev('a'));
      expect(await store.saveDecisions({ deviceId: 'a', accountId: 'x', state: '{"n":1}', savedAtMs: 30 }, [push('a', 'k1'), push('a', 'k2')])).toBe(2);
      expect(await store.saveDecisions({ deviceId: 'a', accountId: 'x', state: '{"n":2}', savedAtMs: 40 }, [push('a', 'k1')])).toBe(0);
      expect(await store.monitors('a')).toEqual([{ deviceId: 'a', accountId: 'x', state: '{"n":2}', savedAtMs: 40, alerts: null }]);
      expect((await store.pushes('a')).map((p) => p.dedupeKey)).toEqual(['k1', 'k2']);
    });

    it('a push for a device that does not exist fails the whole transaction (the monitor is not saved either)', async () => {
      await store.createDevice(dev('a'));
      await expect(store.saveDecisions({ deviceId: 'a', accountId: 'x', state: '{"n":9}', savedAtMs: 50 }, [push('ghost', 'k')])).rejects.toThrow();
      expect(await store.monitors('a')).toEqual([]);
    });

    it('a batch saves every monitor and its pushes in one go, skips a device deleted meanwhile, and queues a decision once', async () => {
      await store.createDevice(dev('a'));
      await store.createDevice(dev('b'));
      const batch = [
        { monitor: { deviceId: 'a', accountId: 'x', state: '{"n":1}', savedAtMs: 30 }, pushes: [push('a', 'k1'), push('a', 'k2')] },
        { monitor: { deviceId: 'gone', accountId: 'x', state: '{"n":1}', savedAtMs: 30 }, pushes: [push('gone', 'k1')] },
        { monitor: { deviceId: 'b', accountId: 'y', state: '{"n":1}', savedAtMs: 30 }, pushes: [] },
      ];
      expect(await store.saveBatch(batch)).toBe(2);
      expect(await store.saveBatch([{ monitor: { deviceId: 'a', accountId: 'x', state: '{"n":2}', savedAtMs: 40 }, pushes: [push('a', 'k1'), push('a', 'k3')] }])).toBe(1);
      expect(await store.saveBatch([])).toBe(0);
      expect(await store.monitors('a')).toEqual([{ deviceId: 'a', accountId: 'x', state: '{"n":2}', savedAtMs: 40, alerts: null }]);
      expect(await store.monitors('b')).toEqual([{ deviceId: 'b', accountId: 'y', state: '{"n":1}', savedAtMs: 30, alerts: null }]);
      expect(await store.monitors('gone')).toEqual([]);
      expect((await store.pushes('a')).map((p) => [p.dedupeKey, p.status])).toEqual([['k1', 'pending'], ['k2', 'pending'], ['k3', 'pending']]);
    });

    it("an alert part goes beside its own monitor's whole snapshot (kept), in order within a batch; a whole snapshot clears it", async () => {
      await store.createDevice(dev('a'));
      await store.createDevice(dev('b'));
      const whole = (deviceId: string, accountId: string, n: number) => ({ deviceId, accountId, state: `{"whole":${n}}`, savedAtMs: n });
      const part = (deviceId: string, accountId: string, n: number) => ({ deviceId, accountId, state: null, alerts: `{"part":${n}}`, savedAtMs: n });
      await store.saveBatch([{ monitor: whole('a', 'x', 1), pushes: [] }, { monitor: whole('a', 'y', 1), pushes: [] }, { monitor: whole('b', 'x', 1), pushes: [] }]);
      // Parts for a:x and b:x, with a push: a:y and the whole snapshots stay as they were.
      expect(await store.saveBatch([{ monitor: part('a', 'x', 2), pushes: [push('a', 'k1')] }, { monitor: part('b', 'x', 3), pushes: [] }])).toBe(1);
      expect(await store.monitors('a')).toEqual([
        { deviceId: 'a', accountId: 'x', state: '{"whole":1}', savedAtMs: 1, alerts: '{"part":2}' },
        { deviceId: 'a', accountId: 'y', state: '{"whole":1}', savedAtMs: 1, alerts: null },
      ]);
      expect(await store.monitors('b')).toEqual([{ deviceId: 'b', accountId: 'x', state: '{"whole":1}', savedAtMs: 1, alerts: '{"part":3}' }]);
      // A newer part replaces the older one; a whole snapshot then clears it; in one batch, in order.
      await store.saveBatch([{ monitor: part('a', 'x', 4), pushes: [] }, { monitor: whole('b', 'x', 4), pushes: [] }, { monitor: part('b', 'x', 5), pushes: [] }]);
      await store.saveBatch([{ monitor: part('a', 'y', 6), pushes: [] }, { monitor: whole('a', 'y', 7), pushes: [] }]);
      expect(await store.monitors('a')).toEqual([
        { deviceId: 'a', accountId: 'x', state: '{"whole":1}', savedAtMs: 1, alerts: '{"part":4}' },
        { deviceId: 'a', accountId: 'y', state: '{"whole":7}', savedAtMs: 7, alerts: null },
      ]);
      expect(await store.monitors('b')).toEqual([{ deviceId: 'b', accountId: 'x', state: '{"whole":4}', savedAtMs: 4, alerts: '{"part":5}' }]);
      // saveDecisions writes a whole snapshot: it clears the part as well.
      await store.saveDecisions(whole('a', 'x', 8), []);
      expect((await store.monitors('a'))[0]).toEqual({ deviceId: 'a', accountId: 'x', state: '{"whole":8}', savedAtMs: 8, alerts: null });
      // A part for a monitor with no whole snapshot yet keeps its push; it is not read back without one (a restart starts it afresh).
      expect(await store.saveBatch([{ monitor: part('a', 'z', 9), pushes: [push('a', 'k2')] }])).toBe(1);
      expect((await store.monitors('a')).map((m) => m.accountId)).toEqual(['x', 'y']);
      await store.saveBatch([{ monitor: whole('a', 'z', 10), pushes: [] }]);
      expect((await store.monitors('a'))[2]).toEqual({ deviceId: 'a', accountId: 'z', state: '{"whole":10}', savedAtMs: 10, alerts: null });
      // A device with an alert part stored can be deleted (the part goes with it).
      await store.deleteDevice('b');
      expect(await store.monitors('b')).toEqual([]);
    });

    it('due pushes: pending only, by time; marking moves them on', async () => {
      await store.createDevice(dev('a'));
      await store.saveDecisions({ deviceId: 'a', accountId: 'x', state: '{}', savedAtMs: 1 }, [push('a', 'late', 9_000), push('a', 'early', 5_000)]);
      expect((await store.duePushes(6_000, 10, null)).map((p) => p.dedupeKey)).toEqual(['early']);
      const [early] = await store.duePushes(6_000, 10, null);
      await store.markPushes([{ id: early!.id, status: 'pending', attempts: 1, nextAtMs: 20_000 }]);
      expect((await store.duePushes(10_000, 10, null)).map((p) => p.dedupeKey)).toEqual(['late']);
      const [late] = await store.duePushes(10_000, 10, null);
      await store.markPushes([{ id: late!.id, status: 'sent', attempts: 1, nextAtMs: 10_000 }]);
      expect((await store.duePushes(30_000, 10, null)).map((p) => [p.dedupeKey, p.attempts])).toEqual([['early', 1]]);
      expect((await store.pushes('a')).map((p) => [p.dedupeKey, p.status])).toEqual([['late', 'sent'], ['early', 'pending']]);
    });

    it('a newer push for the same device and Topic replaces the pending one, in a batch and in saveDecisions; other devices, Topics and none are left alone', async () => {
      await store.createDevice(dev('a'));
      await store.createDevice(dev('b'));
      await store.saveDecisions({ deviceId: 'a', accountId: 'x', state: '{}', savedAtMs: 1 }, [push('a', 'watch', 5_000, 'pool'), push('a', 'other', 5_000, 'BTC'), push('a', 'plain', 5_000, null)]);
      await store.saveDecisions({ deviceId: 'b', accountId: 'x', state: '{}', savedAtMs: 1 }, [push('b', 'watch', 5_000, 'pool')]);
      const [sentEarlier] = (await store.duePushes(6_000, 10, null)).filter((p) => p.dedupeKey === 'other');
      await store.markPushes([{ id: sentEarlier!.id, status: 'sent', attempts: 1, nextAtMs: 6_000 }]);
      expect(
        await store.saveBatch([
          { monitor: { deviceId: 'a', accountId: 'x', state: '{}', savedAtMs: 2 }, pushes: [push('a', 'margin-call', 7_000, 'pool'), push('a', 'other-2', 7_000, 'BTC'), push('a', 'plain-2', 7_000, null)] },
        ]),
      ).toBe(3);
      expect((await store.pushes('a')).map((p) => [p.dedupeKey, p.status])).toEqual([
        ['watch', 'replaced'],
        ['other', 'sent'],
        ['plain', 'pending'],
        ['margin-call', 'pending'],
        ['other-2', 'pending'],
        ['plain-2', 'pending'],
      ]);
      expect((await store.pushes('b')).map((p) => p.status)).toEqual(['pending']);
      // A decision made again (after a restart) is not queued again and replaces nothing.
      expect(await store.saveDecisions({ deviceId: 'a', accountId: 'x', state: '{}', savedAtMs: 3 }, [push('a', 'watch', 8_000, 'pool')])).toBe(0);
      await store.saveDecisions({ deviceId: 'a', accountId: 'x', state: '{}', savedAtMs: 3 }, [push('a', 'liquidation', 8_000, 'pool')]);
      expect((await store.duePushes(9_000, 10, null)).map((p) => `${p.deviceId}/${p.dedupeKey}`)).toEqual(['a/plain', 'b/watch', 'a/other-2', 'a/plain-2', 'a/liquidation']);
    });

    it("due pushes carry their device's subscription as it is now, and pass over the ids the sender holds", async () => {
      await store.createDevice(dev('a'));
      await store.createDevice(dev('b'));
      await store.saveDecisions({ deviceId: 'a', accountId: 'x', state: '{}', savedAtMs: 1 }, [push('a', 'k1', 5_000), push('a', 'k2', 5_100)]);
      await store.saveDecisions({ deviceId: 'b', accountId: 'x', state: '{}', savedAtMs: 1 }, [push('b', 'k3', 5_200)]);
      const all = await store.duePushes(6_000, 10, null);
      expect(all.map((p) => [p.deviceId, p.subscription, p.vapidJwk, p.subject])).toEqual(
        ['a', 'a', 'b'].map((id) => [id, dev(id).subscription, dev(id).vapidJwk, dev(id).subject]),
      );
      // Held by the sender: the read gives `limit` others, not `limit` less the held ones.
      expect((await store.duePushes(6_000, 1, null, new Set([all[0]!.id]))).map((p) => p.dedupeKey)).toEqual(['k2']);
      expect((await store.duePushes(6_000, 2, null, new Set([all[1]!.id]))).map((p) => p.dedupeKey)).toEqual(['k1', 'k3']);
      expect(await store.duePushes(6_000, 10, null, new Set(all.map((p) => p.id)))).toEqual([]);
      const rotated = JSON.stringify({ endpoint: 'https://push.example/new', keys: { p256dh: 'new', auth: 'new' } });
      await store.updateSubscription('a', rotated);
      expect((await store.duePushes(6_000, 1, null))[0]!.subscription).toBe(rotated);
      // A 410 for the old subscription leaves the new one; for the one it holds, it is cleared.
      expect(await store.dropSubscription('a', dev('a').subscription!)).toBe(false);
      expect((await store.device('a'))?.subscription).toBe(rotated);
      expect(await store.dropSubscription('a', rotated)).toBe(true);
      expect((await store.device('a'))?.subscription).toBeNull();
    });

    it('gives urgent pushes first, then the oldest first', async () => {
      await store.createDevice(dev('a'));
      await store.createDevice(dev('b'));
      const normal = (deviceId: string, key: string, at: number): PushRecord => ({ ...push(deviceId, key, at), urgency: 'normal' });
      await store.saveDecisions({ deviceId: 'a', accountId: 'x', state: '{}', savedAtMs: 1 }, [normal('a', 'forecast-1', 5_000), normal('a', 'forecast-2', 5_500)]);
      await store.saveDecisions({ deviceId: 'b', accountId: 'x', state: '{}', savedAtMs: 1 }, [normal('b', 'forecast-3', 5_200), push('b', 'margin-call', 6_000)]);
      await store.saveDecisions({ deviceId: 'a', accountId: 'x', state: '{}', savedAtMs: 2 }, [push('a', 'liquidation', 6_500)]);
      expect((await store.duePushes(7_000, 10, null)).map((p) => p.dedupeKey)).toEqual(['margin-call', 'liquidation', 'forecast-1', 'forecast-3', 'forecast-2']);
      // Not yet due stays out, urgent or not.
      expect((await store.duePushes(6_200, 10, null)).map((p) => p.dedupeKey)).toEqual(['margin-call', 'forecast-1', 'forecast-3', 'forecast-2']);
      expect((await store.duePushes(7_000, 2, null)).map((p) => p.dedupeKey)).toEqual(['margin-call', 'liquidation']);
    });

    it('marks a round of pushes at once; a replaced push stays replaced unless it was sent', async () => {
      await store.createDevice(dev('a'));
      await store.saveDecisions({ deviceId: 'a', accountId: 'x', state: '{}', savedAtMs: 1 }, [push('a', 'k1', 5_000, 'p1'), push('a', 'k2', 5_000, 'p2'), push('a', 'k3', 5_000, 'p3')]);
      const [k1, k2, k3] = await store.duePushes(6_000, 10, null);
      // All three are being posted when newer pushes replace them.
      await store.saveDecisions({ deviceId: 'a', accountId: 'x', state: '{}', savedAtMs: 2 }, [push('a', 'n1', 6_000, 'p1'), push('a', 'n2', 6_000, 'p2'), push('a', 'n3', 6_000, 'p3')]);
      await store.markPushes([
        { id: k1!.id, status: 'sent', attempts: 1, nextAtMs: 6_000 },
        { id: k2!.id, status: 'pending', attempts: 1, nextAtMs: 7_000 },
        { id: k3!.id, status: 'refused', attempts: 1, nextAtMs: 6_000 },
      ]);
      expect((await store.pushes('a')).map((p) => [p.dedupeKey, p.status, p.attempts])).toEqual([
        ['k1', 'sent', 1],
        ['k2', 'replaced', 0],
        ['k3', 'replaced', 0],
        ['n1', 'pending', 0],
        ['n2', 'pending', 0],
        ['n3', 'pending', 0],
      ]);
      await store.markPushes([]);
    });

    it('shards split devices and their pushes with no overlap and nothing left out', async () => {
      const ids = Array.from({ length: 40 }, (_, i) => `device-${i}`);
      for (const id of ids) await store.createDevice(dev(id));
      for (const id of ids) await store.saveDecisions({ deviceId: id, accountId: 'x', state: '{}', savedAtMs: 1 }, [push(id, 'k')]);
      const count = 3;
      const seen: string[] = [];
      for (let index = 0; index < count; index += 1) {
        const mine = (await store.devices({ index, count })).map((d) => d.id);
        expect(mine.every((id) => inShard(id, { index, count }))).toBe(true);
        expect((await store.duePushes(10_000, 100, { index, count })).map((p) => p.deviceId).sort()).toEqual([...mine].sort());
        seen.push(...mine);
      }
      expect(seen.sort()).toEqual([...ids].sort());
      expect(seen.length).toBe(new Set(seen).size);
    });

    it('everything survives a restart', async () => {
      await store.createDevice(dev('a'));
      await store.putSnapshot({ deviceId: 'a', body: '{"v":3}', receivedAtMs: 7 });
      await store.saveDecisions({ deviceId: 'a', accountId: 'x', state: '{"n":3}', savedAtMs: 8 }, [push('a', 'k')]);
      await store.close();
      store = await reopen();
      expect(await store.device('a')).toEqual(dev('a'));
      expect((await store.snapshot('a'))?.body).toBe('{"v":3}');
      expect((await store.monitors('a'))[0]?.state).toBe('{"n":3}');
      expect((await store.duePushes(10_000, 10, null)).length).toBe(1);
    });
  });
}
