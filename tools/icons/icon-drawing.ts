import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import { ICON_GROUND, SAFE_ZONE_RADIUS, type IconOutput } from '../../icons/icon-set.ts';

/**
 * The drawing lives in a 128-unit box; its farthest point from the centre (64, 64) is a shoulder of the
 * shield at (16, 26), 61.2 units away. Framed icons scale the drawing so that point lands on the radius
 * they allow, which for maskable icons is the safe-zone circle.
 */
const DRAWING_BOX = 128;
const DRAWING_REACH = 62;

/** The SVG to render for one output: the source as is, or the source framed on an opaque ground. */
export function iconSvg(source: string, output: IconOutput): string {
  if (output.kind === 'any') return source;
  const s = output.size;
  const reach = output.kind === 'maskable' ? SAFE_ZONE_RADIUS * s : 0.44 * s;
  const k = reach / DRAWING_REACH;
  const inner = source.replace(/^[\s\S]*?<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
  const offset = s / 2 - (DRAWING_BOX / 2) * k;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${s}" height="${s}" viewBox="0 0 ${s} ${s}">` +
    `<rect width="${s}" height="${s}" fill="${ICON_GROUND}"/>` +
    `<g transform="translate(${offset} ${offset}) scale(${k})">${inner}</g></svg>`
  );
}

let ready: Promise<void> | undefined;

function init(): Promise<void> {
  const wasm = readFileSync(createRequire(import.meta.url).resolve('@resvg/resvg-wasm/index_bg.wasm'));
  ready ??= initWasm(wasm);
  return ready;
}

export interface RenderedIcon {
  readonly png: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** RGBA, row-major. */
  readonly pixels: Uint8Array;
}

export async function renderIcon(source: string, output: IconOutput): Promise<RenderedIcon> {
  await init();
  const image = new Resvg(iconSvg(source, output), { fitTo: { mode: 'width', value: output.size } }).render();
  return { png: image.asPng(), width: image.width, height: image.height, pixels: image.pixels };
}
