/**
 * The type system of expand/types.ts alone: `$ref` chains, nullable, secure parts, allowedValues
 * of parts. https://learn.microsoft.com/azure/azure-resource-manager/templates/definitions
 */
import { describe, expect, test } from '@jest/globals';
import { isUnknown, type Value } from '../../src/model.js';
import { TemplateTypes } from '../../src/sources/arm/expand/types.js';
import type { JsonObject } from '../../src/sources/arm/jsonc.js';

const template: JsonObject = {
  definitions: {
    secret: { type: 'securestring' },
    maybeSecret: { $ref: '#/definitions/secret', nullable: true },
    loop: { $ref: '#/definitions/loop' },
    tagged: {
      type: 'object',
      discriminator: {
        propertyName: 'kind',
        mapping: {
          key: { type: 'object', properties: { kind: { type: 'string' }, value: { type: 'securestring' } } },
          name: { type: 'object', properties: { kind: { type: 'string' }, value: { type: 'string' } } },
        },
      },
    },
    'with/slash': { type: 'string', allowedValues: ['a'] },
  },
};
const types = new TemplateTypes(template, []);

describe('TemplateTypes', () => {
  test('a $ref chain gives the nearest nullable and the referenced type; a $ref cycle stops', () => {
    const type = types.resolve({ $ref: '#/definitions/maybeSecret' }, ['parameters', 'p']);
    expect(type.nullable).toBe(true);
    expect(type.secure).toBe(true);
    expect(type.layers.map((l) => l.path.join('/'))).toEqual([
      'parameters/p',
      'definitions/maybeSecret',
      'definitions/secret',
    ]);
    expect(types.resolve({ $ref: '#/definitions/loop' }, []).type).toBeUndefined();
    // JSON pointer escapes: ~1 is '/'.
    expect(types.resolve({ $ref: '#/definitions/with~1slash' }, []).type).toBe('string');
  });

  test('only the secure parts of a value are replaced, the rest is shared', () => {
    const visible = { a: 1 };
    const value: Value = {
      visible,
      key: { kind: 'key', value: 'hidden' },
      name: { kind: 'name', value: 'shown' },
    };
    const declaration = {
      type: 'object',
      properties: { visible: { type: 'object' } },
      additionalProperties: { $ref: '#/definitions/tagged' },
    };
    const masked = types.maskSecure(value, declaration, [], 'parameter p') as Record<
      string,
      Record<string, Value>
    >;
    expect(masked.visible).toBe(visible);
    expect(isUnknown(masked.key.value)).toBe(true);
    expect((masked.key.value as { reason: string }).reason).toBe('secure parameter p.key.value');
    expect(masked.name.value).toBe('shown');
    // A value whose type holds nothing secure is returned as is.
    const plain = { x: ['y'] };
    expect(types.maskSecure(plain, { type: 'object' }, [], 'p')).toBe(plain);
    // An empty secure value hides nothing.
    expect(types.maskSecure('', { type: 'securestring' }, [], 'p')).toBe('');
  });

  test('allowedValues of parts are checked; null, unknown and secure parts are not', () => {
    const declaration = {
      type: 'array',
      items: { type: 'object', properties: { tier: { type: 'string', allowedValues: ['Hot', 'Cool'] } } },
    };
    const violations = types.violations([{ tier: 'hot' }, { tier: 'Archive' }, { tier: null }], declaration, [
      'parameters',
      'p',
    ]);
    expect(violations).toEqual([
      {
        at: '[1].tier',
        value: 'Archive',
        allowed: ['Hot', 'Cool'],
        declaredAt: ['parameters', 'p', 'items', 'properties', 'tier', 'allowedValues'],
      },
    ]);
    expect(types.violations('b', { $ref: '#/definitions/with~1slash' }, [])).toHaveLength(1);
    expect(types.violations(null, { $ref: '#/definitions/with~1slash' }, [])).toEqual([]);
  });
});
