/**
 * Names the platform uses (issue 10, point 5): the `…ArmId` spellings that the Azure ML Python
 * SDK's own workspace template writes (`cosmosDbArmId`, `storageAccountArmId`,
 * `SearchAccountArmId`) mean bring-your-own, like the spec's `cosmosDbResourceId`.
 */
import { describe, expect, test } from '@jest/globals';
import { evaluateResources } from '../../src/engine.js';
import { linkResources } from '../../src/graph.js';
import type { ObjectValue } from '../../src/model.js';
import { idOf, resource, T } from './build.js';

const cmkWorkspace = (encryption: ObjectValue) =>
  resource(T.workspace, 'mlw', {
    properties: {
      encryption: {
        status: 'Enabled',
        keyVaultProperties: {
          keyVaultArmId: idOf(T.keyVault, 'kvcmk'),
          keyIdentifier: 'https://kvcmk/keys/k',
        },
        ...encryption,
      },
    },
  });

const cmkFinding = (resources: ReturnType<typeof resource>[]) =>
  evaluateResources(resources).find((finding) => finding.ruleId === 'HA.Workspace.CmkCosmosDb');

describe('bring-your-own CMK resources under every name the platform accepts', () => {
  test.each([['cosmosDbResourceId'], ['cosmosDbArmId'], ['CosmosDbArmId']])(
    '%s: the account is the workspace cosmosDb, and the CMK finding says bring-your-own',
    (property) => {
      const workspace = cmkWorkspace({ [property]: idOf(T.cosmos, 'cosmosbyo') });
      const cosmos = resource(T.cosmos, 'cosmosbyo');
      const linked = linkResources([workspace, cosmos]);
      expect(linked.find((r) => r.name === 'cosmosbyo')).toMatchObject({
        role: 'cosmosDb',
        workspace: 'mlw',
      });
      const finding = cmkFinding([workspace, cosmos]);
      expect(finding?.message).toContain('your own Cosmos DB account (cosmosbyo)');
      expect(finding?.message).not.toContain('classic mode');
      expect(finding?.evidence.path.toLowerCase()).toBe(`properties.encryption.${property.toLowerCase()}`);
    },
  );

  test('an empty spec name does not hide the SDK alias (the SDK template writes "" for what is not brought)', () => {
    const workspace = cmkWorkspace({ cosmosDbResourceId: '', cosmosDbArmId: idOf(T.cosmos, 'cosmosbyo') });
    expect(cmkFinding([workspace, resource(T.cosmos, 'cosmosbyo')])?.message).toContain('your own Cosmos DB');
  });

  test('no bring-your-own account: classic mode', () => {
    const workspace = cmkWorkspace({ cosmosDbArmId: '', storageAccountArmId: '', SearchAccountArmId: '' });
    expect(cmkFinding([workspace])?.message).toContain('classic mode');
  });

  test('storageAccountArmId names a storage account the workspace uses', () => {
    const workspace = cmkWorkspace({ storageAccountArmId: idOf(T.storage, 'stcmk') });
    const linked = linkResources([workspace, resource(T.workspace, 'other'), resource(T.storage, 'stcmk')]);
    expect(linked.find((r) => r.name === 'stcmk')).toMatchObject({ role: 'datastore', workspace: 'mlw' });
  });
});
