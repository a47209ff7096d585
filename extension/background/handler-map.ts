import type { HandlerMap } from './handler.ts';
import { addAccount } from './handlers/add-account.ts';
import { listAccounts } from './handlers/list-accounts.ts';
import { removeAccount } from './handlers/remove-account.ts';
import { unlockAccounts } from './handlers/unlock-accounts.ts';
import { getPhonePairing, pairPhone, unpairPhone } from './handlers/phone-pairing.ts';
import { getNotificationLog } from './handlers/get-notification-log.ts';
import { getReports } from './handlers/get-reports.ts';
import { getSettings } from './handlers/get-settings.ts';
import { getVenueReports } from './handlers/get-venue-reports.ts';
import { saveSettings } from './handlers/save-settings.ts';
import { snooze } from './handlers/snooze.ts';

export const HANDLERS: HandlerMap = {
  'get-reports': getReports,
  'get-venue-reports': getVenueReports,
  'get-settings': getSettings,
  'save-settings': saveSettings,
  snooze,
  'get-notification-log': getNotificationLog,
  'list-accounts': listAccounts,
  'add-account': addAccount,
  'unlock-accounts': unlockAccounts,
  'remove-account': removeAccount,
  'get-phone-pairing': getPhonePairing,
  'pair-phone': pairPhone,
  'unpair-phone': unpairPhone,
};
