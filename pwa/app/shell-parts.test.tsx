import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { AlertsSetup } from '../platform/alerts-setup.ts';
import { AlertsCardView } from './alerts-card.tsx';
import { DeviceCard } from './device-card.tsx';
import { formatSavedAt } from './saved-at.ts';
import { OfflineBanner, StoreBanner } from './status-banners.tsx';

const text = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
const NOW = new Date(2026, 10, 26, 14, 30).getTime();
const noop = (): void => undefined;

describe('shell parts', () => {
  it('marks the offline state stale with the age of the saved state, or says nothing is saved', () => {
    expect(text(renderToStaticMarkup(<OfflineBanner lastSavedAt={NOW - 12 * 60_000} now={NOW} />))).toMatch(
      /^Offline\. Showing the state saved at .+ \(12 min ago\)\. It may be stale\.$/,
    );
    expect(text(renderToStaticMarkup(<OfflineBanner lastSavedAt={null} now={NOW} />))).toBe(
      'Offline. Nothing is saved on this device yet; live figures return when the connection does.',
    );
  });

  it('never shows NaN for a bad time', () => {
    expect(formatSavedAt(Number.NaN, NOW)).toBe('at an unknown time');
    expect(formatSavedAt(NOW - 3 * 86_400_000, NOW)).toMatch(/^on .+ \(3 days ago\)$/);
    expect(formatSavedAt(NOW + 60_000, NOW)).toMatch(/\(just now\)$/);
    // On the 24-hour clock the other screens use (the banner read "11:05 PM" above alerts at "23:35:24").
    expect(formatSavedAt(new Date(2026, 10, 26, 23, 5).getTime(), new Date(2026, 10, 26, 23, 6).getTime())).toBe('at 23:05 (1 min ago)');
  });

  it('lists what the store repair found', () => {
    const html = renderToStaticMarkup(<StoreBanner report={{ rebuilt: true, problems: ['first problem', 'second problem'], dropped: {} }} />);
    expect(text(html)).toBe('The data saved on this device was damaged and has been rebuilt. first problem second problem');
    expect(html).toContain('role="alert"');
  });

  it.each<[AlertsSetup, RegExp, boolean]>([
    ['ios-install', /Add to Home Screen/, false],
    ['ask', /Enable alerts/, true],
    ['granted', /Alerts are on for this device\. Send a test notification/, true],
    ['denied', /blocked for this site/, false],
    ['unsupported', /cannot show notifications/, false],
  ])('the alerts card for %s says what to do', (setup, says, hasButton) => {
    const html = renderToStaticMarkup(<AlertsCardView setup={setup} note={null} onAsk={noop} onTest={noop} />);
    expect(text(html)).toMatch(says);
    expect(html.includes('<button')).toBe(hasButton);
  });

  it('tells apart no storage, still opening, and what is saved', () => {
    expect(text(renderToStaticMarkup(<DeviceCard summary={null} storageMissing now={NOW} />))).toMatch(/does not let the app save anything/);
    expect(text(renderToStaticMarkup(<DeviceCard summary={null} storageMissing={false} now={NOW} />))).toMatch(/Opening local data/);
    const saved = text(
      renderToStaticMarkup(<DeviceCard summary={{ accounts: 2, lastSavedAt: NOW - 60_000, alerts: 7, secrets: 3, vault: 'passphrase' }} storageMissing={false} now={NOW} />),
    );
    expect(saved).toMatch(/^On this device Accounts saved 2 · last saved at .+ \(1 min ago\) Alerts in history 7 API keys 3 saved\. API keys are encrypted under your passphrase\.$/);
  });
});
