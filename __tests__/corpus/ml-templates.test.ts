/**
 * The Azure ML quickstart templates of the public corpus (read-only, outside the repository):
 * every one expands, and for a handful the workspace's dependencies come out with the SKU worked
 * out by reading the template by hand (see the comment on each case). One pass over the
 * microsoft.machinelearningservices folder only, to keep `npm test` quick.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger, type FileError, type Resource } from '../../src/model.js';
import { discoverTemplates } from '../../src/sources/discover.js';
import { loadTemplates } from '../../src/sources/templates.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = path.resolve(repoRoot, '../shared/corpus/quickstart-templates');
const mlFolder = path.join(corpus, 'quickstarts/microsoft.machinelearningservices');
const d = existsSync(mlFolder) ? describe : describe.skip;
if (!existsSync(mlFolder)) console.log(`corpus tests skipped: ${mlFolder} not found`);

const WORKSPACE = 'Microsoft.MachineLearningServices/workspaces';

d('Azure ML quickstart templates', () => {
  let resources: Resource[] = [];
  let errors: FileError[] = [];
  let templates = 0;
  let templateFiles: string[] = [];

  beforeAll(async () => {
    // Bicep sources are skipped (no Bicep CLI here); each of them has its compiled azuredeploy.json.
    const files = (await discoverTemplates([mlFolder], corpus)).filter(
      (f) => f.kind === 'template' || f.kind === 'parameters',
    );
    templateFiles = files.filter((f) => f.kind === 'template').map((f) => f.path);
    ({ resources, errors, templates } = await loadTemplates(files, { cwd: corpus, logger: silentLogger }));
  });

  const inUnit = (folder: string, type: string): Resource[] =>
    resources.filter(
      (r) =>
        r.unit === `quickstarts/microsoft.machinelearningservices/${folder}` &&
        r.type.toLowerCase() === type.toLowerCase(),
    );
  const skuOf = (r: Resource): unknown => (r.body.sku as Record<string, unknown> | undefined)?.name;

  test('every template expands without error and every workspace template yields its workspace', () => {
    // The only error ARM would also raise: a parameters file still holding the quickstart CI's
    // placeholder (GET-PREREQ-location) for a parameter with allowedValues.
    expect(errors.map((e) => [e.file.split('/').slice(-2).join('/'), e.line])).toEqual([
      ['machine-learning-linkedservice-create/azuredeploy.parameters.json', 12],
    ]);
    expect(errors[0].message).toMatch(/parameter 'location' is "GET-PREREQ-location".*allowed values/);
    // Four template files are linked templates of another one (read by hand: the three
    // prereqs/nestedtemplates/*.json of machine-learning-linkedservice-create, linked through
    // uri(_artifactsLocation, 'nestedtemplates/…'), and the akscompute template that
    // machine-learning-service-create-aks/prereqs links by name): expanded there, not on their own.
    expect(templates).toBe(templateFiles.length - 4);
    const units = new Set(resources.map((r) => r.unit));
    const linkedOnly = templateFiles.filter(
      (f) => !units.has(f) && resources.some((r) => r.locate?.('')?.file === f),
    );
    expect(linkedOnly.map((f) => f.split('/').pop()).sort()).toEqual([
      '101-machine-learning-compute-create-akscompute-azuredeploy.json',
      'logicapproleassignments.json',
      'pausetemplate.json',
      'resumetemplate.json',
    ]);
    const unitsWithWorkspace = new Set(resources.filter((r) => r.type === WORKSPACE).map((r) => r.unit));
    // 31 files declare a workspace (counted with grep); each must produce at least one.
    expect(unitsWithWorkspace.size).toBeGreaterThanOrEqual(31);
    for (const resource of resources) {
      expect(resource.locate?.('')?.line).toBeGreaterThan(0);
      expect(resource.id.startsWith('/subscriptions/00000000-0000-0000-0000-000000000000/')).toBe(true);
    }
  });

  test('machine-learning-workspace: RAGRS storage, Standard registry, vault and app insights', () => {
    // azuredeploy.json writes the storage sku literally ("Standard_RAGRS") and the registry sku
    // literally ("Standard"); the names come from format('st{0}{1}', name, environment) with the
    // values GEN-UNIQUE-8 / GEN-UNIQUE-3 of azuredeploy.parameters.json.
    const unit = 'machine-learning-workspace/azuredeploy.json';
    const [storage] = inUnit(unit, 'Microsoft.Storage/storageAccounts');
    expect(storage.name).toBe('stGEN-UNIQUE-8GEN-UNIQUE-3');
    expect(skuOf(storage)).toBe('Standard_RAGRS');
    expect(storage.body.location).toBe('westus2');
    expect(storage.locate?.('location')?.file).toBe(
      `quickstarts/microsoft.machinelearningservices/${unit.replace('.json', '.parameters.json')}`,
    );
    expect(skuOf(inUnit(unit, 'Microsoft.ContainerRegistry/registries')[0])).toBe('Standard');
    expect(inUnit(unit, 'Microsoft.KeyVault/vaults')).toHaveLength(1);
    expect(inUnit(unit, 'Microsoft.Insights/components')).toHaveLength(1);
    const [workspace] = inUnit(unit, WORKSPACE);
    expect((workspace.body.properties as Record<string, unknown>).storageAccount).toBe(storage.id);
  });

  test('machine-learning-workspace-vnet: LRS storage from the default, Premium registry from the parameters file', () => {
    // storageAccountType is not in azuredeploy.parameters.json, so its defaultValue Standard_LRS
    // applies (the location points at that default); containerRegistryOption "new" and
    // containerRegistrySku "Premium" come from the parameters file, so the registry's condition
    // equals(containerRegistryOption, 'new') holds.
    const unit = 'machine-learning-workspace-vnet/azuredeploy.json';
    const [storage] = inUnit(unit, 'Microsoft.Storage/storageAccounts');
    expect(skuOf(storage)).toBe('Standard_LRS');
    expect(storage.locate?.('sku.name')?.file).toBe(`quickstarts/microsoft.machinelearningservices/${unit}`);
    const [registry] = inUnit(unit, 'Microsoft.ContainerRegistry/registries');
    expect(skuOf(registry)).toBe('Premium');
    expect(registry.deployed).toBe(true);
    expect(registry.locate?.('sku.name')?.file).toBe(
      `quickstarts/microsoft.machinelearningservices/${unit.replace('.json', '.parameters.json')}`,
    );
  });

  test('machine-learning-end-to-end-secure: nested deployments give LRS storage and a Premium registry', () => {
    // The storage module is an inner-scope nested deployment receiving storageSkuName "Standard_LRS"
    // literally from the outer template; the registry module writes sku "Premium" literally. Both
    // sit inside Microsoft.Resources/deployments, so this also checks nested expansion.
    const unit = 'machine-learning-end-to-end-secure/azuredeploy.json';
    expect(skuOf(inUnit(unit, 'Microsoft.Storage/storageAccounts')[0])).toBe('Standard_LRS');
    expect(skuOf(inUnit(unit, 'Microsoft.ContainerRegistry/registries')[0])).toBe('Premium');
    expect(inUnit(unit, 'Microsoft.KeyVault/vaults')).toHaveLength(1);
    expect(inUnit(unit, 'Microsoft.Insights/components')).toHaveLength(1);
    expect(inUnit(unit, WORKSPACE)).toHaveLength(1);
    // The jump box deployments depend on deployJumphost (default true): still deployed.
    expect(inUnit(unit, 'Microsoft.Compute/virtualMachines').every((r) => r.deployed === true)).toBe(true);
  });

  test('machine-learning-compute-create-amlcompute prereqs: literal Standard_LRS storage, no registry', () => {
    // prereq.azuredeploy.json writes sku Standard_LRS literally and declares no container registry.
    const unit = 'machine-learning-compute-create-amlcompute/prereqs/prereq.azuredeploy.json';
    expect(skuOf(inUnit(unit, 'Microsoft.Storage/storageAccounts')[0])).toBe('Standard_LRS');
    expect(inUnit(unit, 'Microsoft.ContainerRegistry/registries')).toHaveLength(0);
    expect(inUnit(unit, WORKSPACE)).toHaveLength(1);
  });
});
