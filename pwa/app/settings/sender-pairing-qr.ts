import { generate } from 'lean-qr';
import { toSvgDataURL } from 'lean-qr/extras/svg';

/**
 * The pairing link as an SVG QR code (a data URL for an <img>: no markup injected into the page). Its
 * own module, imported only when a pairing is shown, so lean-qr stays out of the app's first load (the
 * 170 KB budget, `npm run budgets`).
 */
export function qrDataUrl(text: string): string {
  return toSvgDataURL(generate(text), { on: 'black', off: 'white', pad: 4, scale: 1 });
}
