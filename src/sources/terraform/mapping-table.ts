import type { RuleDefinition } from '../../rules/types.js';
import { AZAPI_DOCS, AZURERM, type Field } from './mapping.js';

export const TERRAFORM_START = '<!-- terraform-mapping:start -->';
export const TERRAFORM_END = '<!-- terraform-mapping:end -->';

/**
 * The README's Terraform mapping table, generated from the mapping data so that the two cannot
 * drift (`npm run readme` rewrites it, a test compares): each type, the ARM type it becomes, the
 * attributes read and the rules that then apply.
 */
export function renderTerraformMapping(rules: readonly RuleDefinition[]): string {
  const rulesFor = (armType: string) =>
    rules
      .filter((rule) => rule.appliesTo.some((type) => type.toLowerCase() === armType.toLowerCase()))
      .map((rule) => `\`${rule.id.replace(/^HA\./, '')}\``)
      .join(', ');
  const shown = (tf: string) => tf.replace(/\.0(?=\.|$)/g, '').replace(/\|/g, ' or ');
  const attributes = (fields: Field[]): string[] =>
    fields.flatMap((field) => {
      if (field.value !== undefined || !field.tf) return [];
      const tf = Array.isArray(field.tf) ? field.tf.map(shown).join(' + ') : shown(field.tf);
      if (field.each) {
        const inner = field.each
          .filter((item) => typeof item.tf === 'string')
          .map((item) => shown(item.tf as string));
        return [`\`${tf}\` (${inner.map((name) => `\`${name}\``).join(', ')})`];
      }
      return [`\`${tf}\``];
    });
  const rows = Object.entries(AZURERM).map(([type, mapping]) => {
    const read = [
      ...new Set([
        ...attributes(mapping.fields),
        ...(mapping.parent ? [`\`${shown(mapping.parent.tf)}\``] : []),
      ]),
    ];
    for (const child of mapping.children ?? [])
      read.push(`\`${child.tf}\` → \`${child.armType.split('/').slice(-1)[0]}\``);
    const rulesText = [
      rulesFor(mapping.armType),
      ...(mapping.children ?? []).map((child) => rulesFor(child.armType)),
      ...(mapping.readBy ?? []).map((rule) =>
        rule.startsWith('HA.') ? `through another resource: \`${rule.replace(/^HA\./, '')}\`` : rule,
      ),
    ]
      .filter(Boolean)
      .join(', ');
    return `| [\`${type}\`](${mapping.doc}) | \`${mapping.armType}\` | ${read.join(', ')} | ${rulesText || '— (linking only)'} |`;
  });
  rows.push(
    `| [\`azapi_resource\`](${AZAPI_DOCS.azapi_resource}) | the \`type\` before \`@\` | \`body\` (the ARM body), \`name\`, \`parent_id\`, \`location\` | those of the ARM type |`,
    `| [\`azapi_update_resource\`](${AZAPI_DOCS.azapi_update_resource}) | merged into the resource it patches | \`body\`, \`resource_id\` or \`name\` + \`parent_id\` | those of the patched resource; \`unknown\` when it is not in the plan |`,
  );
  return [
    '| Terraform type | ARM type | attributes read | rules |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
