/**
 * Helpers for the curator UI's browser tests: axe on a page, as one list of "rule (impact):
 * targets" lines (empty when clean). EVERY violation counts, of any impact (minor and moderate
 * too): the WCAG 2.0/2.1 A and AA rules and axe's best-practice rules. Chromium is launched with
 * `launch()` from ./site.js. axe needs the page's own timers: run it on a page with JavaScript ON
 * (on a JS-off page `analyze()` never returns).
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

export const CURATOR_AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

export async function curatorAxe(p: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page: p }).withTags(CURATOR_AXE_TAGS).analyze();
  return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
