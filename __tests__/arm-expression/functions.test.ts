import { describe, expect, test } from '@jest/globals';
import { isUnknown, UnknownValue, type Value } from '../../src/model.js';
import { evaluateTemplateString, ExpressionError } from '../../src/sources/arm/expression/index.js';
import { testScope, type TestScopeOptions } from './scope.js';

function run(text: string, options: TestScopeOptions = {}): Value {
  return evaluateTemplateString(text, testScope(options));
}

function error(text: string, options: TestScopeOptions = {}): ExpressionError {
  try {
    run(text, options);
  } catch (e) {
    if (e instanceof ExpressionError) return e;
    throw e;
  }
  throw new Error(`expected ${text} to throw ExpressionError`);
}

const SUB = '00000000-0000-0000-0000-000000000001';

describe('literal strings', () => {
  test('pass through unchanged', () => {
    expect(run('hello [world]')).toBe('hello [world]');
    expect(run('')).toBe('');
  });
  test('[[ escape is unescaped to a single [', () => {
    expect(run("[[concat('a')]")).toBe("[concat('a')]");
    expect(run('[[abc')).toBe('[abc');
  });
});

describe('parameters, variables and copyIndex', () => {
  test('parameters and variables come from the scope, names case-insensitive', () => {
    expect(run("[parameters('SkuName')]", { parameters: { skuName: 'Standard_ZRS' } })).toBe('Standard_ZRS');
    expect(run("[variables('cfg').zones[1]]", { variables: { cfg: { zones: ['1', '2'] } } })).toBe('2');
  });
  test('no function changes the values it is given (values are shared, never copied)', () => {
    const shared = { list: [3, 1, 2], nested: { a: 1, inner: { b: 2 } }, Name: 'x' };
    const snapshot = JSON.parse(JSON.stringify(shared)) as unknown;
    const options = { parameters: { p: shared } };
    for (const text of [
      "[union(parameters('p'), createObject('nested', createObject('c', 3)))]",
      "[union(parameters('p').list, createArray(4))]",
      "[concat(parameters('p').list, createArray(5))]",
      "[sort(parameters('p').list, lambda('x', 'y', less(lambdaVariables('x'), lambdaVariables('y'))))]",
      "[filter(parameters('p').list, lambda('x', greater(lambdaVariables('x'), 1)))]",
      "[map(parameters('p').list, lambda('x', add(lambdaVariables('x'), 1)))]",
      "[reduce(parameters('p').list, 0, lambda('a', 'x', add(lambdaVariables('a'), lambdaVariables('x'))))]",
      "[intersection(parameters('p'), parameters('p'))]",
      "[items(parameters('p'))]",
      "[shallowMerge(createArray(parameters('p'), createObject('Name', 'y')))]",
      "[toObject(parameters('p').list, lambda('i', string(lambdaVariables('i'))))]",
      "[skip(parameters('p').list, 1)]",
      "[take(parameters('p').list, 1)]",
    ]) {
      expect(isUnknown(run(text, options))).toBe(false);
      expect(shared).toEqual(snapshot);
    }
    expect(run("[parameters('p')]", options)).toBe(shared);
  });
  test('copyIndex with and without offset and loop name', () => {
    expect(run('[copyIndex()]', { copyIndex: 2 })).toBe(2);
    expect(run('[copyIndex(1)]', { copyIndex: 2 })).toBe(3);
    expect(run("[copyIndex('vms')]", { copy: { vms: 4 } })).toBe(4);
    expect(run("[copyIndex('vms', 10)]", { copy: { vms: 4 } })).toBe(14);
    expect(run("[concat('vm', copyIndex(1))]", { copyIndex: 0 })).toBe('vm1');
  });
  test('copyIndex outside a loop is an error', () => {
    expect(error('[copyIndex()]').message).toContain('copy loop');
    expect(error("[copyIndex('other')]", { copy: { vms: 1 } }).message).toContain("'other'");
  });
});

describe('function names and property access', () => {
  test('function names are case-insensitive', () => {
    expect(run("[TOLOWER('AbC')]")).toBe('abc');
    expect(run("[toupper('AbC')]")).toBe('ABC');
    expect(run("[Concat('a', 'b')]")).toBe('ab');
  });
  test('property access on objects is case-insensitive, dot and bracket forms', () => {
    const options = { parameters: { o: { Location: 'eastus', nested: { Key: 1 } } } };
    expect(run("[parameters('o').location]", options)).toBe('eastus');
    expect(run("[parameters('o')['LOCATION']]", options)).toBe('eastus');
    expect(run("[parameters('o').NESTED.key]", options)).toBe(1);
  });
  test('a missing property fails as in ARM and names the available ones', () => {
    const e = error("[parameters('o').missing]", { parameters: { o: { a: 1, b: 2 } } });
    expect(e.message).toContain("'missing'");
    expect(e.message).toContain('a, b');
  });
  test('array index out of range fails', () => {
    expect(error("[parameters('a')[2]]", { parameters: { a: [1, 2] } }).message).toContain('out of range');
  });
  test('unknown function fails', () => {
    expect(error("[frobnicate('x')]").message).toContain("'frobnicate' is not valid");
  });
  test('wrong argument count fails', () => {
    expect(error("[toLower('a', 'b')]").message).toContain('must have 1 argument');
    expect(error("[if(true(), 'a')]").message).toContain('must have 3');
  });
  test('wrong argument type fails with the type found', () => {
    expect(error('[toLower(1)]').message).toContain('Integer');
    expect(error("[add('1', 2)]").message).toContain('String');
  });
});

describe('concat', () => {
  test('concatenates strings, integers and booleans', () => {
    expect(run("[concat('a', 1, '-', true())]")).toBe('a1-True');
  });
  test('concatenates arrays', () => {
    expect(run("[concat(createArray(1, 2), createArray('x'), createArray())]")).toEqual([1, 2, 'x']);
  });
  test('mixing arrays and strings fails', () => {
    expect(error("[concat(createArray(1), 'x')]")).toBeInstanceOf(ExpressionError);
  });
});

describe('format', () => {
  test('positional arguments, reused and out of order', () => {
    expect(run("[format('{1}-{0}-{1}', 'a', 'b')]")).toBe('b-a-b');
  });
  test('.NET numeric format specifiers', () => {
    expect(run("[format('{0:D3}', 7)]")).toBe('007');
    expect(run("[format('vm{0:D2}', 12)]")).toBe('vm12');
    expect(run("[format('{0:N0}', 8175133)]")).toBe('8,175,133');
    expect(run("[format('{0:X}', 255)]")).toBe('FF');
    expect(run("[format('{0:000}', 5)]")).toBe('005');
    expect(run("[format('{0,5}|{1,-3}|', 'ab', 'c')]")).toBe('   ab|c  |');
  });
  test('braces escape and booleans render as .NET does', () => {
    expect(run("[format('{{{0}}}', true())]")).toBe('{True}');
  });
  test('an index without an argument fails', () => {
    expect(error("[format('{0}{1}', 'a')]").message).toContain('{1}');
  });
});

describe('if, and, or, not, coalesce', () => {
  test('if is lazy: the branch not taken is not evaluated', () => {
    expect(run("[if(equals(1, 1), 'yes', substring('abc', 10))]")).toBe('yes');
    expect(run("[if(false(), parameters('missing').x, 'no')]")).toBe('no');
  });
  test('if with a non-boolean condition fails', () => {
    expect(error("[if('true', 1, 2)]").message).toContain('boolean');
  });
  test('and/or/not', () => {
    expect(run('[and(true(), true(), false())]')).toBe(false);
    expect(run('[or(false(), true())]')).toBe(true);
    expect(run('[not(and(true(), true()))]')).toBe(false);
  });
  test('coalesce returns the first non-null', () => {
    expect(run("[coalesce(null(), null(), 'x', 'y')]")).toBe('x');
    expect(run('[coalesce(null(), null())]')).toBeNull();
  });
});

describe('comparison and arithmetic', () => {
  test('equals is deep, case-sensitive on strings', () => {
    expect(run("[equals('a', 'A')]")).toBe(false);
    expect(
      run("[equals(createArray(1, createObject('a', 'b')), createArray(1, createObject('A', 'b')))]"),
    ).toBe(true);
    expect(run("[equals(1, '1')]")).toBe(false);
  });
  test('less / greater on integers and strings', () => {
    expect(run('[less(1, 2)]')).toBe(true);
    expect(run("[greater('b', 'a')]")).toBe(true);
    expect(run('[lessOrEquals(2, 2)]')).toBe(true);
    expect(run('[greaterOrEquals(1, 2)]')).toBe(false);
  });
  test('add, sub, mul, div (truncating), mod', () => {
    expect(run('[add(2, -5)]')).toBe(-3);
    expect(run('[sub(2, 5)]')).toBe(-3);
    expect(run('[mul(4, 5)]')).toBe(20);
    expect(run('[div(7, 2)]')).toBe(3);
    expect(run('[div(-7, 2)]')).toBe(-3);
    expect(run('[mod(7, 3)]')).toBe(1);
  });
  test('division by zero fails', () => {
    expect(error('[div(1, 0)]').message).toContain('divide by zero');
    expect(error('[mod(1, 0)]').message).toContain('divide by zero');
  });
  test('min and max of arguments or of an array', () => {
    expect(run('[min(3, 1, 2)]')).toBe(1);
    expect(run('[max(createArray(3, 9, 2))]')).toBe(9);
  });
});

describe('conversions', () => {
  test('int, float, bool, string, json', () => {
    expect(run("[int('42')]")).toBe(42);
    expect(run("[float('1.5')]")).toBe(1.5);
    expect(run("[bool('TRUE')]")).toBe(true);
    expect(run('[bool(0)]')).toBe(false);
    expect(run("[string(createObject('a', createArray(1, true())))]")).toBe('{"a":[1,true]}');
    expect(run('[string(true())]')).toBe('True');
    expect(run('[string(12)]')).toBe('12');
    expect(run('[json(\'{"a": [1, null]}\')]')).toEqual({ a: [1, null] });
    expect(run("[json('null')]")).toBeNull();
  });
  test('json reads what Newtonsoft reads: single quotes, leading-dot numbers, empty text', () => {
    expect(run("[json('.25')]")).toBe(0.25);
    expect(run("[json('{''a'': ''b'', c: [1,], // note\n}')]")).toEqual({ a: 'b', c: [1] });
    expect(run("[json('')]")).toBeNull();
  });
  test('invalid conversions fail', () => {
    expect(error("[int('abc')]")).toBeInstanceOf(ExpressionError);
    expect(error("[bool('yes')]")).toBeInstanceOf(ExpressionError);
    expect(error("[json('{oops')]").message).toContain('not valid JSON');
  });
  test('array wraps a single value', () => {
    expect(run("[array('a')]")).toEqual(['a']);
    expect(run('[array(createArray(1))]')).toEqual([1]);
  });
});

describe('strings', () => {
  test('substring within bounds', () => {
    expect(run("[substring('abcdef', 2, 3)]")).toBe('cde');
    expect(run("[substring('abcdef', 2)]")).toBe('cdef');
    expect(run("[substring('abc', 3, 0)]")).toBe('');
  });
  test('substring out of range fails as ARM does', () => {
    expect(error("[substring('abc', 1, 5)]").message).toContain('goes past the end');
    expect(error("[substring('abc', 4)]").message).toContain('out of range');
    expect(error("[substring('abc', -1, 1)]").message).toContain('out of range');
  });
  test('replace, trim, padLeft', () => {
    expect(run("[replace('a-b-c', '-', '')]")).toBe('abc');
    expect(run("[trim('  x ')]")).toBe('x');
    expect(run("[padLeft('7', 3, '0')]")).toBe('007');
    expect(run('[padLeft(42, 5)]')).toBe('   42');
  });
  test('startsWith / endsWith / indexOf are case-insensitive; contains on strings is not', () => {
    expect(run("[startsWith('Standard_ZRS', 'standard')]")).toBe(true);
    expect(run("[endsWith('Standard_ZRS', '_zrs')]")).toBe(true);
    expect(run("[indexOf('abcABC', 'B')]")).toBe(1);
    expect(run("[lastIndexOf('abcABC', 'b')]")).toBe(4);
    expect(run("[indexOf('abc', 'z')]")).toBe(-1);
    expect(run("[contains('Standard_ZRS', 'ZRS')]")).toBe(true);
    expect(run("[contains('Standard_ZRS', 'zrs')]")).toBe(false);
  });
  test('split on a string or several delimiters keeps empty parts', () => {
    expect(run("[split('a,b,,c', ',')]")).toEqual(['a', 'b', '', 'c']);
    expect(run("[split('a;b,c', createArray(',', ';'))]")).toEqual(['a', 'b', 'c']);
    expect(run("[split(resourceGroup().id, '/')[2]]")).toBe(SUB);
  });
  test('join, first, last on strings and arrays', () => {
    expect(run("[join(createArray('a', 1, true()), '+')]")).toBe('a+1+True');
    expect(run("[first('abc')]")).toBe('a');
    expect(run('[last(createArray(1, 2, 3))]')).toBe(3);
    expect(run('[first(createArray())]')).toBeNull();
  });
  test('base64 round trip and data URIs', () => {
    expect(run("[base64('one, two, three')]")).toBe('b25lLCB0d28sIHRocmVl');
    expect(run("[base64ToString('b25lLCB0d28sIHRocmVl')]")).toBe('one, two, three');
    expect(run("[dataUri('Hello')]")).toBe('data:text/plain;charset=utf8;base64,SGVsbG8=');
    expect(run("[dataUriToString('data:;base64,SGVsbG8sIFdvcmxkIQ==')]")).toBe('Hello, World!');
  });
  test('uri and uriComponent', () => {
    expect(run("[uri('https://a.blob.core.windows.net/templates/main.json', 'nested/x.json')]")).toBe(
      'https://a.blob.core.windows.net/templates/nested/x.json',
    );
    expect(run("[uri('https://a.example/base/', 'x.json')]")).toBe('https://a.example/base/x.json');
    expect(run("[uriComponent('a b/c?d=(e)')]")).toBe('a%20b%2Fc%3Fd%3D%28e%29');
    expect(run("[uriComponentToString('a%20b')]")).toBe('a b');
    expect(error("[uri('not a uri', 'x')]")).toBeInstanceOf(ExpressionError);
  });
});

describe('arrays and objects', () => {
  test('length and empty', () => {
    expect(run("[length('abc')]")).toBe(3);
    expect(run("[length(createObject('a', 1, 'b', 2))]")).toBe(2);
    expect(run("[empty('')]")).toBe(true);
    expect(run('[empty(createObject())]')).toBe(true);
    expect(run('[empty(createArray(0))]')).toBe(false);
    expect(run('[empty(null())]')).toBe(true);
  });
  test('take and skip clamp the count', () => {
    expect(run('[take(createArray(1, 2, 3), 2)]')).toEqual([1, 2]);
    expect(run('[take(createArray(1, 2, 3), 10)]')).toEqual([1, 2, 3]);
    expect(run("[skip('abcdef', 4)]")).toBe('ef');
    expect(run('[skip(createArray(1, 2), -1)]')).toEqual([1, 2]);
  });
  test('contains on arrays (deep) and object keys (case-insensitive)', () => {
    expect(run("[contains(createArray('1', '2'), '2')]")).toBe(true);
    expect(run("[contains(createArray('1', '2'), 2)]")).toBe(false);
    expect(run("[contains(createObject('Zones', 1), 'zones')]")).toBe(true);
  });
  test('range', () => {
    expect(run('[range(1, 3)]')).toEqual([1, 2, 3]);
    expect(run('[range(5, 0)]')).toEqual([]);
    expect(error('[range(0, 10001)]').message).toContain('10000');
  });
  test('union of arrays removes duplicates keeping order', () => {
    expect(run("[union(createArray('1', '2'), createArray('2', '3'), createArray('1'))]")).toEqual([
      '1',
      '2',
      '3',
    ]);
  });
  test('union of objects merges nested objects, later values win, nested arrays are replaced', () => {
    const options = {
      parameters: {
        first: { property: { one: 'a', two: 'b', three: 'c1' }, nestedArray: [1, 2] },
        second: { property: { three: 'c2', four: 'd', five: 'e' }, nestedArray: [3, 4] },
      },
    };
    expect(run("[union(parameters('first'), parameters('second'))]", options)).toEqual({
      property: { one: 'a', two: 'b', three: 'c2', four: 'd', five: 'e' },
      nestedArray: [3, 4],
    });
  });
  test('intersection of arrays and objects', () => {
    expect(run("[intersection(createArray('one', 'two', 'three'), createArray('two', 'three'))]")).toEqual([
      'two',
      'three',
    ]);
    expect(
      run(
        "[intersection(createObject('one', 'a', 'two', 'b', 'three', 'c'), createObject('one', 'a', 'two', 'z', 'three', 'c'))]",
      ),
    ).toEqual({ one: 'a', three: 'c' });
  });
  test('indexOf / lastIndexOf on arrays use deep equality', () => {
    expect(run("[indexOf(createArray('a', createArray(1), 'a'), createArray(1))]")).toBe(1);
    expect(run("[lastIndexOf(createArray('a', 'b', 'a'), 'a')]")).toBe(2);
  });
  test('flatten, objectKeys, items (sorted by key), shallowMerge, tryGet', () => {
    expect(run('[flatten(createArray(createArray(1, 2), createArray(3)))]')).toEqual([1, 2, 3]);
    expect(run("[objectKeys(createObject('b', 1, 'a', 2))]")).toEqual(['b', 'a']);
    expect(run("[items(createObject('b', 1, 'a', 2))]")).toEqual([
      { key: 'a', value: 2 },
      { key: 'b', value: 1 },
    ]);
    expect(
      run(
        "[shallowMerge(createArray(createObject('a', createObject('x', 1)), createObject('a', createObject('y', 2))))]",
      ),
    ).toEqual({
      a: { y: 2 },
    });
    expect(run("[tryGet(createObject('a', createObject('B', 1)), 'a', 'b')]")).toBe(1);
    expect(run("[tryGet(createObject('a', 1), 'missing')]")).toBeNull();
    expect(run('[tryGet(createArray(1, 2), 5)]')).toBeNull();
  });
  test('createObject needs key/value pairs', () => {
    expect(error("[createObject('a')]").message).toContain('even number');
  });
  test('a __proto__ key is stored as data', () => {
    const value = run("[createObject('__proto__', createObject('polluted', true()))]") as Record<
      string,
      unknown
    >;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('lambdas', () => {
  test('filter, map (with index), reduce, sort', () => {
    expect(run("[filter(range(1, 6), lambda('n', equals(mod(lambdaVariables('n'), 2), 0)))]")).toEqual([
      2, 4, 6,
    ]);
    expect(
      run(
        "[map(createArray('a', 'b'), lambda('x', 'i', concat(lambdaVariables('x'), string(lambdaVariables('i')))))]",
      ),
    ).toEqual(['a0', 'b1']);
    expect(
      run("[reduce(range(1, 4), 0, lambda('acc', 'n', add(lambdaVariables('acc'), lambdaVariables('n'))))]"),
    ).toBe(10);
    expect(
      run("[sort(createArray(3, 1, 2), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))]"),
    ).toEqual([1, 2, 3]);
  });
  test('toObject, mapValues, groupBy', () => {
    const options = {
      parameters: {
        vms: [
          { name: 'a', zone: '1' },
          { name: 'b', zone: '2' },
          { name: 'c', zone: '1' },
        ],
      },
    };
    expect(
      run(
        "[toObject(parameters('vms'), lambda('v', lambdaVariables('v').name), lambda('v', lambdaVariables('v').zone))]",
        options,
      ),
    ).toEqual({
      a: '1',
      b: '2',
      c: '1',
    });
    expect(
      run("[mapValues(createObject('a', 1, 'b', 2), lambda('v', mul(lambdaVariables('v'), 10)))]"),
    ).toEqual({ a: 10, b: 20 });
    expect(run("[groupBy(parameters('vms'), lambda('v', lambdaVariables('v').zone))]", options)).toEqual({
      '1': [
        { name: 'a', zone: '1' },
        { name: 'c', zone: '1' },
      ],
      '2': [{ name: 'b', zone: '2' }],
    });
  });
  test('lambda outside a lambda function and unbound lambdaVariables fail', () => {
    expect(error("[lambda('x', 1)]")).toBeInstanceOf(ExpressionError);
    expect(error("[lambdaVariables('x')]").message).toContain("'x'");
    expect(error("[map(createArray(1), 'notALambda')]").message).toContain('lambda');
  });
});

describe('resource ids and deployment functions', () => {
  test('resourceId in the current resource group, with child types and names in order', () => {
    expect(run("[resourceId('Microsoft.Storage/storageAccounts', 'st1')]")).toBe(
      `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/st1`,
    );
    expect(run("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'default')]")).toBe(
      `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default`,
    );
  });
  test('resourceId with leading resource group and subscription', () => {
    expect(run("[resourceId('other-rg', 'Microsoft.KeyVault/vaults', 'kv')]")).toBe(
      `/subscriptions/${SUB}/resourceGroups/other-rg/providers/Microsoft.KeyVault/vaults/kv`,
    );
    expect(run("[resourceId('sub2', 'other-rg', 'Microsoft.KeyVault/vaults', 'kv')]")).toBe(
      '/subscriptions/sub2/resourceGroups/other-rg/providers/Microsoft.KeyVault/vaults/kv',
    );
  });
  test('resourceId with the wrong number of names fails', () => {
    expect(error("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet')]").message).toContain(
      'needs 2',
    );
  });
  test('resourceId at subscription scope has no resource group', () => {
    expect(
      run("[resourceId('Microsoft.Resources/resourceGroups', 'rg1')]", {
        deployment: { scope: 'subscription' },
      }),
    ).toBe(`/subscriptions/${SUB}/providers/Microsoft.Resources/resourceGroups/rg1`);
  });
  test('subscription, tenant, extension and management group resource ids', () => {
    expect(run("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'r1')]")).toBe(
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/r1`,
    );
    expect(run("[tenantResourceId('Microsoft.Management/managementGroups', 'mg')]")).toBe(
      '/providers/Microsoft.Management/managementGroups/mg',
    );
    expect(
      run(
        "[extensionResourceId(resourceId('Microsoft.Storage/storageAccounts', 'st'), 'Microsoft.Authorization/locks', 'lock')]",
      ),
    ).toBe(
      `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/st/providers/Microsoft.Authorization/locks/lock`,
    );
    expect(run("[managementGroupResourceId('Microsoft.Authorization/policyDefinitions', 'p')]")).toBe(
      '/providers/Microsoft.Management/managementGroups/mg-test/providers/Microsoft.Authorization/policyDefinitions/p',
    );
  });
  test('resourceGroup(), subscription(), tenant(), deployment() shapes', () => {
    expect(run('[resourceGroup()]')).toMatchObject({
      id: `/subscriptions/${SUB}/resourceGroups/rg-test`,
      name: 'rg-test',
      location: 'westeurope',
    });
    expect(run('[subscription().subscriptionId]')).toBe(SUB);
    expect(run('[subscription().tenantId]')).toBe('00000000-0000-0000-0000-0000000000aa');
    expect(run('[tenant().tenantId]')).toBe('00000000-0000-0000-0000-0000000000aa');
    expect(run('[deployment().name]')).toBe('deploy-test');
    expect(
      run('[deployment().properties.templateLink.uri]', {
        deployment: { templateLinkUri: 'file:///t/main.json' },
      }),
    ).toBe('file:///t/main.json');
    expect(
      run("[uri(deployment().properties.templateLink.uri, 'nested/a.json')]", {
        deployment: { templateLinkUri: 'file:///t/main.json' },
      }),
    ).toBe('file:///t/nested/a.json');
  });
  test('environment() comes from the deployment context when set', () => {
    const environment = { name: 'AzureCloud', suffixes: { storage: 'core.windows.net' } };
    expect(run('[environment().suffixes.storage]', { deployment: { environment } })).toBe('core.windows.net');
  });
  test('reference() to a resource the scope knows returns its declared properties', () => {
    const references = { st: { primaryEndpoints: { blob: 'https://st.blob/' } } };
    expect(run("[reference('st').primaryEndpoints.blob]", { references })).toBe('https://st.blob/');
    const partial = run("[reference('st').secondaryEndpoints.blob]", { references });
    expect(isUnknown(partial)).toBe(true);
    expect((partial as UnknownValue).reason).toBe(
      "reference('st').secondaryEndpoints.blob is only known after deployment",
    );
  });
  test('dateTimeAdd with a known base, epoch conversions', () => {
    expect(run("[dateTimeAdd('2020-04-07 14:53:14Z', 'P3Y')]")).toBe('2023-04-07T14:53:14Z');
    expect(run("[dateTimeAdd('2020-04-07T14:53:14Z', '-PT1H', 'yyyy-MM-dd HH:mm')]")).toBe(
      '2020-04-07 13:53',
    );
    expect(run("[dateTimeToEpoch('2023-02-02T00:00:00Z')]")).toBe(1675296000);
    expect(run('[dateTimeFromEpoch(1683040573)]')).toBe('2023-05-02T15:16:13Z');
    expect(error("[dateTimeAdd('2020-01-01', 'one day')]").message).toContain('ISO 8601 duration');
  });
});

describe('CIDR functions', () => {
  test('parseCidr', () => {
    expect(run("[parseCidr('10.144.0.0/20')]")).toEqual({
      network: '10.144.0.0',
      netmask: '255.255.240.0',
      broadcast: '10.144.15.255',
      firstUsable: '10.144.0.1',
      lastUsable: '10.144.15.254',
      cidr: 20,
    });
  });
  test('cidrSubnet and cidrHost', () => {
    expect(run("[cidrSubnet('10.144.0.0/20', 24, 3)]")).toBe('10.144.3.0/24');
    expect(run("[cidrHost('10.144.3.0/24', 0)]")).toBe('10.144.3.1');
    expect(error("[cidrSubnet('10.144.0.0/20', 24, 16)]").message).toContain('out of range');
    expect(error("[cidrSubnet('10.144.0.0/20', 16, 0)]")).toBeInstanceOf(ExpressionError);
  });
});

describe('user-defined functions', () => {
  test('namespace.function binds its parameters', () => {
    const userFunctions = {
      'contoso.uniqueName': {
        parameters: [{ name: 'prefix' }],
        output: {
          type: 'string',
          value: "[concat(parameters('prefix'), '-', uniqueString(resourceGroup().id))]",
        },
      },
    };
    const value = run("[contoso.UNIQUENAME('app')]", {
      userFunctions: {
        'contoso.uniqueName': {
          ...userFunctions['contoso.uniqueName'],
          output: userFunctions['contoso.uniqueName'].output.value,
        },
      },
    });
    expect(value).toMatch(/^app-[a-z2-7]{13}$/);
  });
  test('an undefined user function fails', () => {
    expect(error('[contoso.nothing()]').message).toContain('not defined');
  });
});
