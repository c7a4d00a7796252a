import { describe, expect, test } from '@jest/globals';
import { armGuid, evaluateTemplateString, uniqueString } from '../../src/sources/arm/expression/index.js';
import { murmurHash64, nameBasedUuid } from '../../src/sources/arm/expression/hash.js';
import { testScope } from './scope.js';

describe('uniqueString produces Azure’s values', () => {
  // Source: README of github.com/JasonWhall/go-azure-uniquestring ("go-azure-uniquestring hello world"
  // prints a7wkljktk6wne; the arguments are joined as "hello-world", hashed to 571013382255652050).
  test("uniqueString('hello', 'world') = a7wkljktk6wne", () => {
    expect(murmurHash64(new TextEncoder().encode('hello-world'))).toBe(571013382255652050n);
    expect(uniqueString('hello', 'world')).toBe('a7wkljktk6wne');
  });

  // Source: README of github.com/takekazuomi/arm-uniquestring, which runs Microsoft's own
  // Azure.Deployments.Expression package: "./out/uniqueString test" prints rbgf3xv4ufgzg.
  test("uniqueString('test') = rbgf3xv4ufgzg", () => {
    expect(uniqueString('test')).toBe('rbgf3xv4ufgzg');
  });

  // Source: github.com/microsoft/commercial-marketplace-offer-deploy, unit test
  // ArmFunctionsTests.UniqueStringShouldEqualValueCreatedFromArmTemplate (value taken from an ARM
  // deployment output; the current version of the test asserts yvjxno3je5on2). 6 tail bytes: covers
  // the second lane of the hash tail.
  test('uniqueString(resource id from an ARM deployment) = yvjxno3je5on2', () => {
    expect(
      uniqueString(
        '/subscriptions/31e9f9a0-9fd2-4294-a0a3-0101246d9700/resourceGroups/rg-modm201-20230913120256/providers/Microsoft.Compute/virtualMachines/bobjacmodm201',
      ),
    ).toBe('yvjxno3je5on2');
  });

  test('is 13 characters of [a-z2-7], deterministic, and case-sensitive', () => {
    const a = uniqueString('/subscriptions/x/resourceGroups/RG');
    expect(a).toMatch(/^[a-z2-7]{13}$/);
    expect(uniqueString('/subscriptions/x/resourceGroups/RG')).toBe(a);
    expect(uniqueString('/subscriptions/x/resourceGroups/rg')).not.toBe(a);
  });

  test('the expression joins its arguments with a hyphen', () => {
    const scope = testScope();
    expect(evaluateTemplateString("[uniqueString('hello', 'world')]", scope)).toBe('a7wkljktk6wne');
    expect(evaluateTemplateString("[uniqueString('hello-world')]", scope)).toBe('a7wkljktk6wne');
  });
});

describe('guid', () => {
  // Version-5 machinery checked against the example in the Python documentation (uuid module):
  // uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org') == UUID('886313e1-3b8a-5372-9b90-0c9aee199e5d').
  test('name-based UUID v5 matches the published RFC 4122 example', () => {
    expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe(
      '886313e1-3b8a-5372-9b90-0c9aee199e5d',
    );
  });

  // ARM's guid() is uuid5 under namespace 11fb06fb-712d-4ddd-98c7-e71bbd588830 over the arguments
  // joined with '-' (used this way by several public tools that reproduce role assignment names,
  // e.g. Terraform `uuidv5("11fb06fb-…", join("-", [...]))`). No Azure-published input/output pair was
  // found, so these tests check the construction, not a value from Azure.
  test('is a version-5 UUID under the ARM namespace over the arguments joined with -', () => {
    const value = armGuid('a', 'b', 'c');
    expect(value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(value).toBe(nameBasedUuid('11fb06fb-712d-4ddd-98c7-e71bbd588830', 'a-b-c'));
    expect(armGuid('a-b', 'c')).toBe(value);
    expect(armGuid('a', 'b')).not.toBe(value);
  });

  test('the expression uses the same function', () => {
    expect(evaluateTemplateString("[guid(resourceGroup().id, 'x')]", testScope())).toBe(
      armGuid('/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-test', 'x'),
    );
  });
});
