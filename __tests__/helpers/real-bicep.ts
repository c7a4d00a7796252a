/**
 * The real Bicep CLI for the tests that compile real Bicep: `bicep` on PATH, else the one
 * `scripts/install-bicep.sh` restored from NuGet into .tmp/bicep/ (`.ci/run` runs it). Where there
 * is none (a machine without the .NET SDK), those tests skip and say what is missing.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBicepCli } from '../../src/sources/bicep-cli.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RealBicep {
  command: string;
  /** `Bicep CLI version 0.49.2 (…)`. */
  version: string;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let found: RealBicep | string | undefined;

/** The real Bicep CLI, or why there is none (the message a skipped test prints). */
export function realBicep(): RealBicep | string {
  if (found !== undefined) return found;
  const candidates = [
    findBicepCli({ command: 'bicep' })?.command,
    path.join(repoRoot, '.tmp/bicep/bin/bicep'),
  ].filter((c): c is string => c !== undefined && executable(c));
  for (const command of candidates) {
    const run = spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    const version = /Bicep CLI version [^\s]+/.exec(`${run.stdout}${run.stderr}`)?.[0];
    if (run.status === 0 && version) return (found = { command, version });
  }
  return (found =
    'the Bicep CLI is not installed (no `bicep` on PATH, no .tmp/bicep/bin/bicep): run `bash scripts/install-bicep.sh`, which restores it from NuGet and needs the .NET SDK (`.ci/run` does this)');
}
