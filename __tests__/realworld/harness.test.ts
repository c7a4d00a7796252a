/**
 * The real-world harness itself, without the cache: the manifest is complete and consistent, and
 * the comparison counts what it claims to count (false passes, decided unknowns, links, …) on
 * hand-made reports.
 */
import { describe, expect, test } from '@jest/globals';
import type { Finding, FileError, Report, Status } from '../../src/model.js';
import { compare, emptyFigures, scanPaths, type SetResult } from '../../scripts/realworld/measure.js';
import {
  conventionalParameters,
  loadSets,
  parseSet,
  type SetSpec,
} from '../../scripts/realworld/manifest.js';
import { causeCounts, renderTable } from '../../scripts/realworld/render.js';

describe('the real-world manifest', () => {
  const sets = loadSets();

  test('holds at least 15 sets from at least 5 repositories, each pinned to a commit', () => {
    expect(sets.length).toBeGreaterThanOrEqual(15);
    expect(new Set(sets.map((s) => s.repo)).size).toBeGreaterThanOrEqual(5);
    for (const set of sets) expect(set.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  test('every entry template and parameters file is among the files copied', () => {
    for (const set of sets) {
      const copied = (file: string) =>
        set.files.some((f) => f === file || (f.endsWith('/') && file.startsWith(f)));
      for (const entry of set.entries) {
        expect([set.id, copied(entry.template)]).toEqual([set.id, true]);
        if (entry.parameters && 'file' in entry.parameters)
          expect([set.id, copied(entry.parameters.file)]).toEqual([set.id, true]);
      }
    }
  });

  test('a set needs Bicep exactly when an entry is a .bicep file', () => {
    for (const set of sets) {
      const bicep = set.entries.some((e) => e.template.endsWith('.bicep'));
      expect([set.id, set.needs.includes('bicep')]).toEqual([set.id, bicep]);
    }
  });

  test('every workspace states all four workspace rules, and every dependency at least its link', () => {
    const workspaceRules = [
      'HA.Workspace.DisasterRecovery',
      'HA.Workspace.RegistryLinked',
      'HA.Workspace.SharedDefaultStorage',
      'HA.Workspace.CmkCosmosDb',
    ];
    for (const set of sets) {
      for (const ws of set.workspaces) {
        expect([set.id, ws.name, Object.keys(ws.rules).sort()]).toEqual([
          set.id,
          ws.name,
          [...workspaceRules].sort(),
        ]);
        for (const dep of ws.dependencies) expect(dep.target).not.toBe('');
      }
    }
  });

  test('a mistyped verdict is refused with the file named', () => {
    const text = [
      'id: x',
      'repo: o/r',
      `commit: ${'a'.repeat(40)}`,
      'why: w',
      'files: [t.json]',
      'entries: [{ template: t.json }]',
      'workspaces:',
      '  - name: ws',
      '    rules:',
      '      HA.Workspace.RegistryLinked: [passed, oops]',
    ].join('\n');
    expect(() => parseSet(text, 'sets/x.yaml')).toThrow(
      /sets\/x\.yaml: HA\.Workspace\.RegistryLinked: unknown status passed/,
    );
  });

  test('parameters sit where the scan looks for them; a .bicepparam is scanned with its template', () => {
    expect(conventionalParameters('infra/main.bicep')).toBe('infra/main.parameters.json');
    expect(conventionalParameters('a/azuredeploy.json')).toBe('a/azuredeploy.parameters.json');
    const starter = sets.find((s) =>
      s.entries.some(
        (e) => e.parameters && 'file' in e.parameters && e.parameters.file.endsWith('.bicepparam'),
      ),
    );
    expect(starter).toBeDefined();
    expect(scanPaths(starter!)).toEqual(['infra/main.bicep', 'infra/main.bicepparam']);
  });
});

// ---- the comparison, on hand-made reports ----------------------------------------------------

const SET = parseSet(
  [
    'id: demo',
    'repo: o/r',
    `commit: ${'b'.repeat(40)}`,
    'why: demo',
    'files: [t.json]',
    'entries: [{ template: t.json }]',
    'workspaces:',
    '  - name: ws1',
    '    rules:',
    '      HA.Workspace.RegistryLinked: [warn, no registry]',
    '      HA.Workspace.CmkCosmosDb: [none, no CMK]',
    '      HA.Workspace.DisasterRecovery: [info, always, { says: "^(?!.*westeurope)" }]',
    '    dependencies:',
    '      - role: defaultStorage',
    '        target: st1',
    '        where: inside',
    '        rules:',
    '          HA.Storage.Redundancy: [fail, LRS]',
    '      - role: keyVault',
    '        target: kv-out',
    '        where: outside',
    '        rules:',
    '          HA.KeyVault.Recoverability: [unknown, not in the scanned templates]',
  ].join('\n'),
  'demo.yaml',
) as SetSpec;

function finding(
  ruleId: string,
  status: Status,
  name: string,
  role: Finding['resource']['role'],
  message = 'm',
): Finding {
  return {
    ruleId,
    status,
    message,
    resource: { type: 't', name, id: `/x/${name}`, role },
    workspace: 'ws1',
    evidence: { path: '', value: null },
    regression: false,
  };
}

function report(findings: Finding[], errors: FileError[] = []): Report {
  return {
    tool: { name: 'aml-ha-gate', version: '0' },
    mode: 'templates',
    verdict: 'pass',
    summary: { pass: 0, fail: 0, warn: 0, info: 0, unknown: 0, suppressed: 0, regressions: 0 },
    findings,
    errors,
  };
}

function run(r: Report): SetResult {
  const result: SetResult = {
    id: SET.id,
    state: 'measured',
    figures: emptyFigures(),
    mismatches: [],
    unlinked: [],
    errors: [],
  };
  result.figures.workspacesPresent = SET.workspaces.length;
  result.figures.dependenciesPresent = 2;
  compare(SET, r, result);
  return result;
}

describe('the comparison', () => {
  const right = [
    finding('HA.Workspace.RegistryLinked', 'warn', 'ws1', 'workspace'),
    finding(
      'HA.Workspace.DisasterRecovery',
      'info',
      'ws1',
      'workspace',
      'keep ws1 (northeurope) reproducible',
    ),
    finding('HA.Storage.Redundancy', 'fail', 'st1', 'defaultStorage'),
    finding('HA.KeyVault.Recoverability', 'unknown', 'kv-out', 'keyVault', 'not in the scanned templates'),
  ];

  test('a report that matches every expectation counts all right and no mismatch', () => {
    const result = run(report(right));
    expect(result.figures).toMatchObject({
      workspacesFound: 1,
      verdictsChecked: 5,
      verdictsRight: 5,
      falsePass: 0,
      fileErrors: 0,
      unknownsDecided: 0,
      dependenciesLinked: 2,
    });
    expect(result.mismatches).toEqual([]);
  });

  test('a pass where fail is expected is a false pass; an unknown where warn is expected a decided unknown', () => {
    const wrong = right.map((f) =>
      f.ruleId === 'HA.Storage.Redundancy'
        ? { ...f, status: 'pass' as const }
        : f.ruleId === 'HA.Workspace.RegistryLinked'
          ? { ...f, status: 'unknown' as const }
          : f,
    );
    const result = run(report(wrong));
    expect(result.figures.falsePass).toBe(1);
    expect(result.figures.unknownsDecided).toBe(1);
    expect(result.figures.verdictsRight).toBe(3);
  });

  test('a missing outside dependency is not linked and is put down to root cause 3', () => {
    const result = run(report(right.filter((f) => f.resource.name !== 'kv-out')));
    expect(result.figures.dependenciesLinked).toBe(1);
    expect(causeCounts([result]).get('3')).toBe(2);
  });

  test('a finding reported twice is a duplicate (root cause 6); a message stating the placeholder region is root cause 4', () => {
    const twice = [...right, right[0]!].map((f) =>
      f.ruleId === 'HA.Workspace.DisasterRecovery'
        ? { ...f, message: 'keep ws1 (westeurope) reproducible' }
        : f,
    );
    const result = run(report(twice));
    expect(result.mismatches.map((m) => [m.subject, m.cause])).toEqual(
      expect.arrayContaining([
        ['ws1 HA.Workspace.RegistryLinked', 6],
        ['ws1 HA.Workspace.DisasterRecovery', 4],
      ]),
    );
  });

  test('a file error Azure would not raise is counted; one about null parameters is put down to root cause 1', () => {
    const result = run(
      report(right, [
        { file: 't.json', line: 3, message: "parameter 'x' is null, which is not one of its allowed values" },
      ]),
    );
    expect(result.figures.fileErrors).toBe(1);
    expect(result.mismatches[0]!.cause).toBe(1);
    expect(renderTable([result])).toMatch(/demo\s+1\/1\s+5\/5\s+0\s+1\s+0\s+2\/2/);
  });
});
