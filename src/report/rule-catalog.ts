import type { RuleDefinition } from '../rules/types.js';
import { escapeMarkdownCell } from './escape.js';

/**
 * The rule table of the README, generated from the catalog in code so that the two cannot drift
 * (a test compares them; `npm run readme` rewrites the README section).
 */
export function renderRuleCatalog(rules: readonly RuleDefinition[]): string {
  const rows = rules.map((rule) => {
    const types = rule.appliesTo.map((type) => `\`${type}\``).join(', ');
    const psrule =
      rule.psrule && rule.psrule.length > 0 ? rule.psrule.map((name) => `\`${name}\``).join(', ') : '';
    return `| [\`${rule.id}\`](${rule.helpUri}) | ${escapeMarkdownCell(rule.title)} | ${types} | ${psrule} |`;
  });
  return ['| rule | checks | applies to | related PSRule |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export const RULES_START = '<!-- rules:start -->';
export const RULES_END = '<!-- rules:end -->';

/** Replaces the text between the markers; throws when the markers are missing. */
export function replaceBetweenMarkers(text: string, start: string, end: string, body: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`markers ${start} … ${end} not found`);
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}
