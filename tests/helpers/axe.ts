import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

export type AxeViolation = {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
};

/**
 * Runs axe-core in the page and returns the serious and critical violations
 * (WCAG 2.x A/AA), of the whole page or of the element `within` selects.
 */
export async function seriousViolations(page: Page, within?: string): Promise<AxeViolation[]> {
  // Evaluated, not added as a <script>: the page's CSP refuses inline scripts.
  await page.evaluate(axeSource);
  const context = within ? `document.querySelector(${JSON.stringify(within)})` : 'document';
  const violations = await page.evaluate<AxeViolation[]>(`
    axe.run(${context}, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    }).then((r) => r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    })))
  `);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
