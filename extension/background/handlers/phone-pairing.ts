import type { Refusal } from '../../messages.ts';
import type { Handler } from '../handler.ts';

const noSender: Refusal = { kind: 'refused', reason: 'failed', detail: 'this worker has no phone push sender' };

export const getPhonePairing: Handler<'get-phone-pairing'> = async (_request, { phone }) => (phone === undefined ? noSender : { kind: 'phone-pairing', status: await phone.status() });

/** The link is parsed and its keys checked before anything is kept; a refusal names the field. */
export const pairPhone: Handler<'pair-phone'> = async (request, { phone }) => {
  if (phone === undefined) return noSender;
  const result = await phone.pair(request.link, request.passphrase);
  return 'status' in result ? { kind: 'phone-pairing', status: result.status } : { kind: 'refused', reason: 'failed', detail: result.refusal };
};

export const unpairPhone: Handler<'unpair-phone'> = async (_request, { phone }) => (phone === undefined ? noSender : { kind: 'phone-pairing', status: await phone.unpair() });
