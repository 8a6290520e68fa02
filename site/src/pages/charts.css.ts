import type { APIRoute } from 'astro';
import { CHART_CSS } from '../lib/charts/style.js';
import { forestRowLinkCss } from '../lib/charts/forest.js';

/** Chart styles (the same rules are inlined into the SVG downloads) and the forest row links laid over the images. */
export const GET: APIRoute = () => new Response(`${CHART_CSS.trim()}\n${forestRowLinkCss()}`, { headers: { 'Content-Type': 'text/css; charset=utf-8' } });
