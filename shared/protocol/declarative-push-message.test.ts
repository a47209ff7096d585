import { describe, expect, it } from 'vitest';
import { utf8 } from '../push/base64url.ts';
import { MAX_PUSH_PLAINTEXT_BYTES } from '../push/push-encryption.ts';
import { declarativePush, parseDeclarativePush } from './declarative-push.ts';

describe('declarativePush', () => {
  it('is the WebKit declarative shape with the alert id as tag, and stays far below the push size limit', () => {
    const n = { tag: 'a|tier|0.8|1', title: 'Margin call · BTCUSDT long · Binance main', body: 'ρ 0.823. Add 412.00 USDT.', urgency: 'normal' as const, subject: 's' };
    const message = declarativePush(n, '/#/alerts/a');
    expect(message).toEqual({ web_push: 8030, mutable: true, notification: { title: n.title, body: n.body, navigate: '/#/alerts/a', tag: n.tag, lang: 'en', silent: false } });
    const long = declarativePush({ ...n, body: 'x'.repeat(10_000), title: 'y'.repeat(1_000) }, '/');
    expect(utf8(JSON.stringify(long)).length).toBeLessThan(MAX_PUSH_PLAINTEXT_BYTES / 3);
    expect(long.notification.body.endsWith('…')).toBe(true);
    expect(JSON.parse(JSON.stringify(message))).toEqual(message);
    // What we send is what the service worker's parser reads back.
    expect(parseDeclarativePush(JSON.stringify(message))).toMatchObject({ title: n.title, body: n.body, navigate: '/#/alerts/a', tag: n.tag, mutable: true });
  });
});
