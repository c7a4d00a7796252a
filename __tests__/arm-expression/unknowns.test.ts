import { describe, expect, test } from '@jest/globals';
import { isUnknown, UnknownValue, type Value } from '../../src/model.js';
import { evaluateTemplateString } from '../../src/sources/arm/expression/index.js';
import { testScope, type TestScopeOptions } from './scope.js';

function run(text: string, options: TestScopeOptions = {}): Value {
  return evaluateTemplateString(text, testScope(options));
}

function reason(value: Value): string {
  if (!isUnknown(value)) throw new Error(`expected an unknown, got ${JSON.stringify(value)}`);
  return value.reason;
}

const unknownParam = { parameters: { known: 'x', list: [1, 2] } };

describe('deployment-time functions are unknown with a reason naming the expression', () => {
  test.each([
    "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'st'), '2023-01-01').keys[0].value]",
    "[listSecrets('x', '2020-01-01')]",
    "[listAccountSas('x', '2020-01-01', createObject())]",
    '[utcNow()]',
    "[utcNow('u')]",
    '[newGuid()]',
    '[environment().name]',
    "[pickZones('Microsoft.Compute', 'virtualMachines', 'westeurope')]",
    "[providers('Microsoft.Web', 'sites')]",
  ])('%s', (text) => {
    expect(reason(run(text))).toBe(`${text.slice(1, -1)} is only known after deployment`);
  });

  test('reference() the scope cannot resolve keeps the scope reason', () => {
    expect(reason(run("[reference('elsewhere').outputs.y.value]"))).toBe(
      "reference('elsewhere') is outside the template",
    );
  });

  test('resource group tags are only known in Azure', () => {
    expect(reason(run('[resourceGroup().tags.costCenter]'))).toBe(
      'resourceGroup().tags.costCenter is only known after deployment',
    );
    expect(run('[resourceGroup().location]')).toBe('westeurope');
  });

  test('deployment().properties.templateLink is unknown without a template link', () => {
    expect(reason(run('[deployment().properties.templateLink.uri]'))).toBe(
      'deployment().properties.templateLink.uri is only known after deployment',
    );
  });
});

describe('unknown propagation', () => {
  test('any function given an unknown argument is unknown, keeping the first reason', () => {
    const value = run("[concat(parameters('missing'), utcNow())]", unknownParam);
    expect(reason(value)).toBe("parameter 'missing' has no value");
    expect(reason(run("[toLower(parameters('missing'))]"))).toBe("parameter 'missing' has no value");
    expect(reason(run("[resourceId('Microsoft.Storage/storageAccounts', parameters('missing'))]"))).toBe(
      "parameter 'missing' has no value",
    );
  });

  test('property access into an unknown is unknown', () => {
    expect(isUnknown(run("[parameters('missing').sku.name]"))).toBe(true);
    expect(isUnknown(run("[parameters('missing')[0]]"))).toBe(true);
  });

  test('if with a known condition takes the branch; with an unknown condition is unknown', () => {
    expect(run("[if(equals(parameters('known'), 'x'), 'zrs', utcNow())]", unknownParam)).toBe('zrs');
    expect(isUnknown(run("[if(equals(parameters('missing'), 'x'), 'a', 'b')]"))).toBe(true);
    expect(isUnknown(run("[if(true(), utcNow(), 'b')]"))).toBe(true);
  });

  test('coalesce with an earlier known non-null decides', () => {
    expect(run("[coalesce(null(), 'a', utcNow())]")).toBe('a');
    expect(isUnknown(run("[coalesce(null(), utcNow(), 'a')]"))).toBe(true);
  });

  test('and / or with a decisive known operand decide', () => {
    expect(run("[and(equals(parameters('missing'), 'x'), false())]")).toBe(false);
    expect(run("[or(equals(parameters('missing'), 'x'), true())]")).toBe(true);
    expect(isUnknown(run("[and(equals(parameters('missing'), 'x'), true())]"))).toBe(true);
  });

  test('length and concat of arrays whose items are unknown are known', () => {
    expect(run("[length(createArray(utcNow(), parameters('missing')))]")).toBe(2);
    const joined = run('[concat(createArray(1), createArray(utcNow()))]') as Value[];
    expect(joined[0]).toBe(1);
    expect(joined[1]).toBeInstanceOf(UnknownValue);
  });

  test('contains on known keys and found items is known; otherwise unknown', () => {
    expect(run("[contains(createObject('a', utcNow()), 'a')]")).toBe(true);
    expect(run("[contains(createArray('zrs', utcNow()), 'zrs')]")).toBe(true);
    expect(isUnknown(run("[contains(createArray('zrs', utcNow()), 'lrs')]"))).toBe(true);
    expect(run("[contains(createArray('zrs', 'grs'), 'lrs')]")).toBe(false);
  });

  test('equals and string() look inside arrays and objects', () => {
    expect(isUnknown(run("[equals(createArray(utcNow()), createArray('x'))]"))).toBe(true);
    expect(isUnknown(run("[string(createObject('a', utcNow()))]"))).toBe(true);
  });

  test('lambdas propagate unknown items through their body', () => {
    const mapped = run(
      "[map(createArray('a', utcNow()), lambda('x', toUpper(lambdaVariables('x'))))]",
    ) as Value[];
    expect(mapped[0]).toBe('A');
    expect(isUnknown(mapped[1])).toBe(true);
    expect(
      isUnknown(run("[filter(createArray('a', utcNow()), lambda('x', equals(lambdaVariables('x'), 'a')))]")),
    ).toBe(true);
  });

  test('never returns JS undefined', () => {
    for (const text of ['[null()]', "[tryGet(createObject(), 'x')]", '[first(createArray())]']) {
      expect(run(text)).toBeNull();
    }
  });
});

describe('partially known reference() results', () => {
  test('stay partial when passed through a variable', () => {
    const references = { st: { properties: { kind: 'StorageV2' } } };
    const scope = testScope({ references });
    const referenced = evaluateTemplateString("[reference('st')]", scope);
    const viaVariable = testScope({ references, variables: { r: referenced } });
    expect(evaluateTemplateString("[variables('r').properties.kind]", viaVariable)).toBe('StorageV2');
    expect(
      isUnknown(evaluateTemplateString("[variables('r').properties.primaryEndpoints]", viaVariable)),
    ).toBe(true);
  });
});
