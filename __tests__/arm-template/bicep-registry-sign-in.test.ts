/**
 * The Bicep CLI signs in to a `br:host/…` registry with the Azure token of whoever is signed in on
 * the machine, and a pull request chooses `host`. By default the compiler gets an empty home and
 * Azure CLI folder of its own (no session to sign in with); `registrySignIn` gives it the real ones.
 * Checked through a fake `bicep` (a node script) that reports what it can see.
 */
import { describe, expect, test } from '@jest/globals';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { silentLogger } from '../../src/model.js';
import { findBicepCli } from '../../src/sources/bicep-cli.js';
import { discoverTemplates } from '../../src/sources/discover.js';
import { loadTemplates } from '../../src/sources/templates.js';
import { DEPLOYMENT_SCHEMA, tempDir, writeTree } from './scan-helper.js';

const d = process.platform === 'win32' ? describe.skip : describe;

/** What the fake compiler saw, reported as the name of the one resource it "compiles" to. */
interface Seen {
  home: string;
  configDir: string;
  session: boolean;
  cache: boolean;
}

/** A home as `az login` and `bicep restore` leave it: a session in ~/.azure, a module cache in ~/.bicep. */
function signedInHome(): string {
  const home = tempDir('signed-in-home-');
  mkdirSync(path.join(home, '.azure'), { recursive: true });
  writeFileSync(path.join(home, '.azure', 'msal_token_cache.json'), '{"AccessToken":{}}');
  mkdirSync(path.join(home, '.bicep', 'br'), { recursive: true });
  writeFileSync(path.join(home, '.bicep', 'br', 'restored-module'), 'module source');
  return home;
}

function fakeBicep(): string {
  const bin = tempDir('fake-bicep-');
  const template = {
    $schema: DEPLOYMENT_SCHEMA,
    contentVersion: '1.0.0.0',
    resources: [
      { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: 'NAME', location: 'x' },
    ],
  };
  writeFileSync(
    path.join(bin, 'bicep'),
    `#!/usr/bin/env node
const fs = require('node:fs');
const path = require('node:path');
const home = process.env.HOME || '';
const configDir = process.env.AZURE_CONFIG_DIR || path.join(home, '.azure');
const seen = {
  home,
  configDir,
  session: fs.existsSync(path.join(configDir, 'msal_token_cache.json')),
  cache: fs.existsSync(path.join(home, '.bicep', 'br', 'restored-module')),
};
process.stdout.write(${JSON.stringify(JSON.stringify(template))}.replace('NAME', encodeURIComponent(JSON.stringify(seen))));
`,
  );
  chmodSync(path.join(bin, 'bicep'), 0o755);
  return `${bin}${path.delimiter}${path.dirname(process.execPath)}`;
}

async function compileSeeing(home: string, registrySignIn?: boolean): Promise<Seen> {
  const dir = writeTree({
    'main.bicep': "module m 'br:registry.example/modules/storage:1' = { name: 'm' }\n",
  });
  const { resources, errors } = await loadTemplates(await discoverTemplates(['.'], dir), {
    cwd: dir,
    logger: silentLogger,
    bicep: { env: { PATH: fakeBicep(), HOME: home }, registrySignIn },
  });
  expect(errors).toEqual([]);
  return JSON.parse(decodeURIComponent(resources[0].name)) as Seen;
}

d('the Bicep CLI and the Azure sign-in of the machine', () => {
  test('by default the compiler finds no Azure session (a registry named by a pull request gets no token)', async () => {
    const home = signedInHome();
    const seen = await compileSeeing(home);
    expect(seen.home).not.toBe(home);
    expect(seen.configDir.startsWith(seen.home)).toBe(true);
    expect(seen.session).toBe(false);
    // Modules restored beforehand are still found, and the empty home is gone after the scan.
    expect(seen.cache).toBe(true);
    expect(existsSync(seen.home)).toBe(false);
    expect(existsSync(path.join(home, '.bicep', 'br', 'restored-module'))).toBe(true);
  });

  test('with registrySignIn the compiler uses the real home and its Azure session', async () => {
    const home = signedInHome();
    const seen = await compileSeeing(home, true);
    expect(seen.home).toBe(home);
    expect(seen.session).toBe(true);
  });
});

d('finding the Bicep CLI', () => {
  test('the bicep that az bicep install put in ~/.azure/bin runs directly, before az', () => {
    const home = tempDir('az-home-');
    const azBin = tempDir('az-bin-');
    for (const file of [path.join(home, '.azure', 'bin', 'bicep'), path.join(azBin, 'az')]) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, '#!/bin/sh\n');
      chmodSync(file, 0o755);
    }
    const cli = findBicepCli({ env: { PATH: azBin, HOME: home } });
    expect(cli?.command).toBe(path.join(home, '.azure', 'bin', 'bicep'));
    expect(cli?.build('x.bicep')).toEqual(['build', '--stdout', 'x.bicep']);
    // Without it, az bicep.
    const noInstall = findBicepCli({ env: { PATH: azBin, HOME: tempDir('empty-home-') } });
    expect(noInstall?.describe).toBe('az bicep');
  });
});
