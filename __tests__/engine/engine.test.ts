import { describe, expect, test } from '@jest/globals';
import { evaluateResources } from '../../src/engine.js';
import { UnknownValue } from '../../src/model.js';
import { resource, T } from '../rules/build.js';

describe('engine post-processing', () => {
  test('a resource deployed only under an unknown condition turns fail into unknown, keeping info', () => {
    const st = resource(
      T.storage,
      'st',
      { sku: { name: 'Standard_LRS' } },
      { deployed: new UnknownValue("parameters('deployStorage')") },
    );
    const [finding] = evaluateResources([st]).filter((f) => f.ruleId === 'HA.Storage.Redundancy');
    expect(finding?.status).toBe('unknown');
    expect(finding?.message).toContain("parameters('deployStorage')");
    expect(finding?.message).toContain('would be fail');
  });

  test('a resource that could not be read gives unknown with the reason for each rule, rules not run', () => {
    const kv = {
      ...resource(T.keyVault, 'kv'),
      origin: 'live' as const,
      readError: 'no read permission on kv: grant Reader',
    };
    const findings = evaluateResources([kv]);
    expect(findings.map((f) => `${f.ruleId}:${f.status}`)).toEqual([
      'HA.KeyVault.Availability:unknown',
      'HA.KeyVault.Recoverability:unknown',
    ]);
    expect(findings[0]?.message).toContain('no read permission');
    expect(findings[0]?.location).toBeUndefined();
  });

  test('the location is the line of the value, else of its nearest parent path, else the declaration', () => {
    const st = resource(
      T.storage,
      'st',
      { sku: { name: 'Standard_LRS' } },
      { locations: { sku: { file: 'a.json', line: 7 } } },
    );
    expect(evaluateResources([st]).find((f) => f.ruleId === 'HA.Storage.Redundancy')?.location).toEqual({
      file: 'a.json',
      line: 7,
    });
    const exact = resource(
      T.storage,
      'st',
      { sku: { name: 'Standard_LRS' } },
      { locations: { sku: { file: 'a.json', line: 7 }, 'sku.name': { file: 'p.json', line: 3 } } },
    );
    expect(evaluateResources([exact]).find((f) => f.ruleId === 'HA.Storage.Redundancy')?.location).toEqual({
      file: 'p.json',
      line: 3,
    });
    const bare = resource(T.storage, 'st', { sku: { name: 'Standard_LRS' } });
    expect(evaluateResources([bare]).find((f) => f.ruleId === 'HA.Storage.Redundancy')?.location).toEqual({
      file: 'infra/main.json',
      line: 10,
    });
  });

  test('types and property names match case-insensitively', () => {
    const st = resource('microsoft.storage/STORAGEACCOUNTS', 'st', {
      SKU: { Name: 'standard_lrs' },
    } as never);
    expect(evaluateResources([st]).find((f) => f.ruleId === 'HA.Storage.Redundancy')?.status).toBe('fail');
  });

  test('resources no rule covers produce no finding', () => {
    expect(evaluateResources([resource('Microsoft.Network/virtualNetworks', 'vnet')])).toEqual([]);
  });
});
