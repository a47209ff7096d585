import { describe, expect, it } from 'vitest';
import { isFieldError } from '../units/field-error.ts';
import { parseDeclarativePush } from './declarative-push.ts';

const message = (notification: Record<string, unknown>, top: Record<string, unknown> = {}): string =>
  JSON.stringify({ web_push: 8030, notification, ...top });

describe('parseDeclarativePush', () => {
  it('reads the WebKit example shape', () => {
    const parsed = parseDeclarativePush(
      message({ title: 'BTCUSDT margin call', body: 'rho 0.82, top up 412 USDT', navigate: '/?alert=a-17', lang: 'en', dir: 'ltr', silent: false, app_badge: '3' }, { mutable: true }),
    );
    expect(parsed).toEqual({
      title: 'BTCUSDT margin call',
      body: 'rho 0.82, top up 412 USDT',
      navigate: '/?alert=a-17',
      lang: 'en',
      dir: 'ltr',
      silent: false,
      tag: null,
      appBadge: 3,
      mutable: true,
    });
  });

  it('reads the badge at the top level as PR #402 places it, and defaults the optional members', () => {
    expect(parseDeclarativePush(message({ title: 't', navigate: 'https://x.test/' }, { app_badge: 2 }))).toEqual({
      title: 't', body: '', navigate: 'https://x.test/', lang: null, dir: null, silent: false, tag: null, appBadge: 2, mutable: false,
    });
  });

  it.each([
    ['no data', null, 'input'],
    ['not JSON', '{"web_push": 80', 'input'],
    ['a JSON array', '[1,2]', 'input'],
    ['the wrong mark', JSON.stringify({ web_push: 8031, notification: { title: 't', navigate: '/' } }), 'web_push'],
    ['no mark', JSON.stringify({ notification: { title: 't', navigate: '/' } }), 'web_push'],
    ['no notification', JSON.stringify({ web_push: 8030 }), 'notification'],
    ['a numeric title', message({ title: 42, navigate: '/' }), 'notification.title'],
    ['a blank title', message({ title: '  ', navigate: '/' }), 'notification.title'],
    ['no navigate', message({ title: 't' }), 'notification.navigate'],
    ['an object body', message({ title: 't', navigate: '/', body: { a: 1 } }), 'notification.body'],
    ['a huge body', message({ title: 't', navigate: '/', body: 'x'.repeat(5000) }), 'notification.body'],
    ['a bad dir', message({ title: 't', navigate: '/', dir: 'up' }), 'notification.dir'],
    ['a string silent', message({ title: 't', navigate: '/', silent: 'yes' }), 'notification.silent'],
    ['a negative badge', message({ title: 't', navigate: '/', app_badge: -1 }), 'notification.app_badge'],
    ['a NaN-ish badge', message({ title: 't', navigate: '/', app_badge: 'NaN' }), 'notification.app_badge'],
    ['a fractional top badge', message({ title: 't', navigate: '/' }, { app_badge: 1.5 }), 'app_badge'],
  ])('refuses %s, naming the field', (_what, text, field) => {
    const parsed = parseDeclarativePush(text);
    expect(isFieldError(parsed)).toBe(true);
    if (isFieldError(parsed)) expect(parsed.field).toBe(field);
  });

  it('never throws on hostile text', () => {
    for (const text of ['', 'null', '"x"', '{"web_push":8030,"notification":null}', '{"__proto__":{"web_push":8030}}', '\u0000']) {
      expect(() => parseDeclarativePush(text)).not.toThrow();
      expect(isFieldError(parseDeclarativePush(text))).toBe(true);
    }
  });
});
