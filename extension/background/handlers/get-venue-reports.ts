import type { Handler } from '../handler.ts';

/** What an overlay on one venue's page may see: that venue's reports (figures only, never settings or keys). */
export const getVenueReports: Handler<'get-venue-reports'> = (request, { sentry }) => ({
  kind: 'reports',
  reports: sentry.reports().filter((r) => r.account.venue === request.venue),
});
