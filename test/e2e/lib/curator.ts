/**
 * Helpers for the curator UI's browser tests: axe (WCAG 2 A/AA) on a page, as one list of
 * "rule: targets" lines (empty when clean). Chromium is launched with `launch()` from ./site.js.
 * axe needs the page's own timers: run it on a page with JavaScript ON (on a JS-off page
 * `analyze()` never returns).
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

export async function curatorAxe(p: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page: p }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
