import { C as CHART_CSS } from '../chunks/style_DlnJCiwz.mjs';
export { renderers } from '../renderers.mjs';

const GET = () => new Response(CHART_CSS.trim(), { headers: { "Content-Type": "text/css; charset=utf-8" } });

const _page = /*#__PURE__*/Object.freeze(/*#__PURE__*/Object.defineProperty({
	__proto__: null,
	GET
}, Symbol.toStringTag, { value: 'Module' }));

const page = () => _page;

export { page };
