import type { Handler } from '../handler.ts';

export const snooze: Handler<'snooze'> = (request, { sentry }) => {
  const untilMs = sentry.snooze(request.subject, request.minutes);
  if (untilMs === null) return { kind: 'refused', reason: 'failed', detail: `$.subject: no watched account has judged ${request.subject.slice(0, 80)} yet` };
  return { kind: 'snoozed', subject: request.subject, untilMs };
};
