/**
 * Bicep ↔ committed JSON pairs of the quickstart corpus, and the comparison of their findings.
 * Shared by the real-Bicep test and `bench/bicep-equivalence.ts`. The corpus is read in place.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { evaluateResources } from '../../src/engine.js';
import { silentLogger, type FileError, type Finding, type Resource } from '../../src/model.js';
import { hasRules } from '../../src/rules/index.js';
import { discoverTemplates } from '../../src/sources/discover.js';
import { conventionalParametersPath, loadTemplates } from '../../src/sources/templates.js';

/** A `main.bicep` and the compiled template committed beside it. */
export interface BicepPair {
  /** Folder relative to the corpus root. */
  folder: string;
  bicep: string;
  json: string;
  /** The JSON's conventional parameters file, used for both sides when present. */
  parameters?: string;
}

/** Every `main.bicep` with an `azuredeploy.json` (else `main.json`) in the same folder. */
export function findBicepPairs(corpus: string): BicepPair[] {
  const pairs: BicepPair[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    const names = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
    if (names.has('main.bicep')) {
      const json = names.has('azuredeploy.json')
        ? 'azuredeploy.json'
        : names.has('main.json')
          ? 'main.json'
          : '';
      if (json) {
        const parameters = conventionalParametersPath(path.join(dir, json));
        pairs.push({
          folder: path.relative(corpus, dir).split(path.sep).join('/'),
          bicep: path.join(dir, 'main.bicep'),
          json: path.join(dir, json),
          parameters: existsSync(parameters) ? parameters : undefined,
        });
      }
    }
    for (const entry of entries) {
      if (entry.isDirectory() && entry.name !== '.git' && entry.name !== 'node_modules') {
        walk(path.join(dir, entry.name));
      }
    }
  };
  walk(corpus);
  return pairs;
}

/** What a finding says, without where it points (lines differ between `.bicep` and JSON). */
export function findingKey(finding: Finding): string {
  return JSON.stringify([
    finding.ruleId,
    finding.status,
    finding.resource.type.toLowerCase(),
    finding.resource.name,
    finding.resource.id.toLowerCase(),
    finding.resource.role,
    finding.workspace ?? '',
    finding.message,
    finding.evidence.path,
    JSON.stringify(finding.evidence.value),
  ]);
}

export interface SideResult {
  findings: Finding[];
  resources: Resource[];
  errors: FileError[];
}

/** Scans one file of a pair as the CLI would (with the pair's parameters file, if any). */
export async function scanSide(
  pair: BicepPair,
  side: 'bicep' | 'json',
  bicepCommand: string,
): Promise<SideResult> {
  const file = side === 'bicep' ? pair.bicep : pair.json;
  const cwd = path.dirname(file);
  const files = await discoverTemplates([file], cwd);
  const { resources, errors } = await loadTemplates(files, {
    cwd,
    logger: silentLogger,
    parametersFile: pair.parameters,
    locatable: hasRules,
    bicep: { command: bicepCommand, timeoutMs: 120_000 },
  });
  return { findings: evaluateResources(resources), resources, errors };
}

export interface PairComparison {
  pair: BicepPair;
  equal: boolean;
  findings: number;
  /** Findings only the `.bicep` side has, and only the JSON side has (keys). */
  onlyBicep: string[];
  onlyJson: string[];
  bicepErrors: FileError[];
  jsonErrors: FileError[];
}

/** Scans both sides of a pair and compares their findings (and whether each side had file errors). */
export async function comparePair(pair: BicepPair, bicepCommand: string): Promise<PairComparison> {
  const [bicep, json] = [
    await scanSide(pair, 'bicep', bicepCommand),
    await scanSide(pair, 'json', bicepCommand),
  ];
  const count = (keys: string[]): Map<string, number> => {
    const map = new Map<string, number>();
    for (const key of keys) map.set(key, (map.get(key) ?? 0) + 1);
    return map;
  };
  const bicepKeys = bicep.findings.map(findingKey);
  const jsonKeys = json.findings.map(findingKey);
  const jsonCount = count(jsonKeys);
  const bicepCount = count(bicepKeys);
  const onlyBicep = bicepKeys.filter((key) => {
    const left = jsonCount.get(key) ?? 0;
    if (left > 0) jsonCount.set(key, left - 1);
    return left === 0;
  });
  const onlyJson = jsonKeys.filter((key) => {
    const left = bicepCount.get(key) ?? 0;
    if (left > 0) bicepCount.set(key, left - 1);
    return left === 0;
  });
  const sameErrors = (bicep.errors.length === 0) === (json.errors.length === 0);
  return {
    pair,
    equal: onlyBicep.length === 0 && onlyJson.length === 0 && sameErrors,
    findings: bicep.findings.length,
    onlyBicep,
    onlyJson,
    bicepErrors: bicep.errors,
    jsonErrors: json.errors,
  };
}
