import type { Handler } from '../handler.ts';

/** Every account's latest report, worst first is the screen's business. */
export const getReports: Handler<'get-reports'> = (_request, { sentry }) => ({ kind: 'reports', reports: sentry.reports() });
