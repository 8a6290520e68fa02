import type { APIRoute } from 'astro';
import { CHART_CSS } from '../lib/charts/style.js';

/** Chart styles (the same rules are inlined into the SVG downloads). */
export const GET: APIRoute = () => new Response(CHART_CSS.trim(), { headers: { 'Content-Type': 'text/css; charset=utf-8' } });
