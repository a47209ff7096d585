import type { Handler } from '../handler.ts';

export const getNotificationLog: Handler<'get-notification-log'> = async (_request, { sentry }) => ({ kind: 'notification-log', entries: await sentry.notificationLog() });
