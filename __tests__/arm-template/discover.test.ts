import { describe, expect, test } from '@jest/globals';
import { ConfigurationError } from '../../src/errors.js';
import { discoverTemplates } from '../../src/sources/discover.js';
import { DEPLOYMENT_SCHEMA, PARAMETERS_SCHEMA, writeTree } from './scan-helper.js';

describe('discoverTemplates', () => {
  test('keeps templates, parameters files, .bicep and .bicepparam and skips other JSON and ignored folders', async () => {
    const dir = writeTree({
      'infra/main.json': JSON.stringify({ $schema: DEPLOYMENT_SCHEMA, resources: [] }),
      'infra/main.parameters.json': JSON.stringify({ $schema: PARAMETERS_SCHEMA, parameters: {} }),
      'infra/app.bicep': 'param x string',
      'infra/app.bicepparam': "using './app.bicep'",
      'package.json': '{ "name": "x" }',
      'node_modules/pkg/t.json': JSON.stringify({ $schema: DEPLOYMENT_SCHEMA }),
      '.git/t.json': JSON.stringify({ $schema: DEPLOYMENT_SCHEMA }),
      'dist/t.json': JSON.stringify({ $schema: DEPLOYMENT_SCHEMA }),
    });
    const files = await discoverTemplates(['.'], dir);
    expect(files.map((f) => [f.path, f.kind])).toEqual([
      ['infra/app.bicep', 'bicep'],
      ['infra/app.bicepparam', 'bicepparam'],
      ['infra/main.json', 'template'],
      ['infra/main.parameters.json', 'parameters'],
    ]);
    expect(files[2].absolutePath.endsWith('main.json')).toBe(true);
  });

  test('accepts a single file and reports a missing path as a ConfigurationError naming it', async () => {
    const dir = writeTree({ 't.json': `{ "$schema": "${DEPLOYMENT_SCHEMA}", "resources": [] }` });
    expect((await discoverTemplates(['t.json'], dir)).map((f) => f.path)).toEqual(['t.json']);
    await expect(discoverTemplates(['nope/x.json'], dir)).rejects.toThrow(ConfigurationError);
    await expect(discoverTemplates(['nope/x.json'], dir)).rejects.toThrow(/nope\/x\.json/);
  });
});
