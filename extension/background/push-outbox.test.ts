import { describe, expect, it } from 'vitest';
import { pushOutcome } from '../../shared/push/push-outcome.ts';
import { duePushes, enqueue, nextDue, parseOutbox, settle, EMPTY_OUTBOX, MAX_ATTEMPTS, type Outbox } from './push-outbox.ts';

const item = (key: string, at = 1000) => ({ key, payload: '{}', ttlSec: 300, urgency: 'high' as const, topicKey: 's', queuedAtMs: at });

describe('push outbox', () => {
  it('queues a key once, whether waiting or done', () => {
    let o = enqueue(EMPTY_OUTBOX, item('a#0'));
    expect(enqueue(o, item('a#0'))).toBe(o);
    o = settle(o, 'a#0', { kind: 'sent' }).outbox;
    expect(o).toEqual({ pending: [], done: ['a#0'] });
    expect(enqueue(o, item('a#0'))).toBe(o);
    expect(enqueue(o, item('a#1')).pending.map((p) => p.key)).toEqual(['a#1']);
  });

  it('moves a retry to its time and gives up after the last attempt', () => {
    let o: Outbox = enqueue(EMPTY_OUTBOX, item('a#0'));
    for (let i = 0; i < MAX_ATTEMPTS - 1; i++) {
      const s = settle(o, 'a#0', pushOutcome(503, '5', i, 10_000));
      expect(s.event).toMatchObject({ kind: 'retry', atMs: 15_000 });
      o = s.outbox;
    }
    expect(duePushes(o, 14_999)).toEqual([]);
    expect(nextDue(o)).toBe(15_000);
    const last = settle(o, 'a#0', pushOutcome(503, null, MAX_ATTEMPTS, 20_000));
    expect(last.event).toMatchObject({ kind: 'dropped', reason: expect.stringContaining(`${MAX_ATTEMPTS} times`) });
    expect(last.outbox.pending).toEqual([]);
    expect(nextDue(last.outbox)).toBeNull();
  });

  it('gone empties the queue (nobody to push to); a refusal drops only that push', () => {
    const o = enqueue(enqueue(EMPTY_OUTBOX, item('a#0')), item('b#0'));
    expect(settle(o, 'a#0', pushOutcome(410, null, 0, 0))).toEqual({ outbox: { pending: [], done: ['a#0', 'b#0'] }, event: { kind: 'gone', status: 410 } });
    expect(settle(o, 'a#0', pushOutcome(403, null, 0, 0)).outbox.pending.map((p) => p.key)).toEqual(['b#0']);
  });

  it('keeps at most 500 done keys', () => {
    let o: Outbox = EMPTY_OUTBOX;
    for (let i = 0; i < 520; i++) o = settle(enqueue(o, item(`k${i}`)), `k${i}`, { kind: 'sent' }).outbox;
    expect(o.done).toHaveLength(500);
    expect(o.done[0]).toBe('k20');
  });

  it('reads back through JSON and refuses a damaged store naming the field', () => {
    const o = enqueue(EMPTY_OUTBOX, item('a#0'));
    expect(parseOutbox(JSON.parse(JSON.stringify(o)))).toEqual({ outbox: o, problem: null });
    expect(parseOutbox(undefined)).toEqual({ outbox: EMPTY_OUTBOX, problem: null });
    expect(parseOutbox('x').problem).toBe('outbox: expected an object');
    expect(parseOutbox({ pending: [], done: [1] }).problem).toBe('outbox.done: expected a list of keys');
    expect(parseOutbox({ pending: [{ ...o.pending[0], dueAtMs: null }], done: [] }).problem).toBe('outbox.pending[0]: not a queued push');
    expect(parseOutbox({ pending: [{ ...o.pending[0], urgency: 'loud' }], done: [] }).problem).toBe('outbox.pending[0]: not a queued push');
  });
});
