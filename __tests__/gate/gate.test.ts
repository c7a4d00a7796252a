import { describe, expect, test } from '@jest/globals';
import { parseConfigFile } from '../../src/config-file.js';
import { ConfigurationError } from '../../src/errors.js';
import {
  applyGate,
  type FailOn,
  findingKey,
  markRegressions,
  parseBaselineReport,
  type UnknownAs,
} from '../../src/gate.js';
import type { FileError, Finding } from '../../src/model.js';
import { finding } from './fixtures.js';

const now = new Date('2026-11-22T12:00:00Z');
const gate = (
  findings: Finding[],
  options: {
    failOn?: FailOn;
    unknownAs?: UnknownAs;
    baseline?: Finding[];
    config?: string;
    errors?: FileError[];
  } = {},
) =>
  applyGate(findings, options.errors ?? [], {
    mode: 'templates',
    failOn: options.failOn ?? 'fail',
    unknownAs: options.unknownAs ?? 'unknown',
    baseline: options.baseline,
    config: options.config ? parseConfigFile(options.config, 'cfg.yml') : undefined,
    now,
    version: '1.0.0',
  });

describe('verdict', () => {
  test.each([
    // failOn, unknownAs, statuses, verdict
    ['fail', 'unknown', ['warn', 'unknown', 'pass'], 'pass'],
    ['fail', 'unknown', ['fail'], 'fail'],
    ['fail', 'fail', ['unknown'], 'fail'],
    ['fail', 'warn', ['unknown'], 'pass'],
    ['warn', 'unknown', ['warn'], 'fail'],
    ['warn', 'unknown', ['unknown', 'info'], 'pass'],
    ['warn', 'warn', ['unknown'], 'fail'],
    ['never', 'fail', ['fail', 'unknown'], 'pass'],
  ] as const)('fail-on %s, unknown-as %s, %j → %s', (failOn, unknownAs, statuses, verdict) => {
    const findings = statuses.map((status, index) => finding('HA.Storage.Redundancy', status, `st${index}`));
    expect(gate(findings, { failOn, unknownAs }).verdict).toBe(verdict);
  });

  test('a file error fails every fail-on but never', () => {
    const errors = [{ file: 'broken.json', line: 3, message: 'bad' }];
    for (const failOn of ['fail', 'warn', 'regression'] as const)
      expect(gate([], { failOn, errors }).verdict).toBe('fail');
    expect(gate([], { failOn: 'never', errors }).verdict).toBe('pass');
  });

  test('the first note explains the verdict', () => {
    expect(gate([finding('HA.X', 'fail', 'a'), finding('HA.X', 'fail', 'b')]).notes?.[0]).toBe(
      'fail: 2 failures.',
    );
  });
});

describe('regressions against a baseline', () => {
  const base = [
    finding('HA.Storage.Redundancy', 'warn', 'st'),
    finding('HA.Storage.Redundancy', 'fail', 'old'),
  ];
  test('new, worse, same and better', () => {
    const current = [
      finding('HA.Storage.Redundancy', 'fail', 'st'), // worse
      finding('HA.Storage.Redundancy', 'fail', 'old'), // same
      finding('HA.Storage.Redundancy', 'fail', 'new'), // new
      finding('HA.Storage.Redundancy', 'pass', 'fresh'), // new but pass
    ];
    const marked = markRegressions(current, base, 'unknown');
    expect(marked.map((f) => f.regression)).toEqual([true, false, true, false]);
    expect(
      markRegressions([finding('HA.Storage.Redundancy', 'pass', 'st')], base, 'unknown')[0]?.regression,
    ).toBe(false);
  });

  test('fail-on regression fails only on fail-level regressions', () => {
    expect(
      gate([finding('HA.Storage.Redundancy', 'fail', 'old')], { failOn: 'regression', baseline: base })
        .verdict,
    ).toBe('pass');
    expect(
      gate([finding('HA.Storage.Redundancy', 'warn', 'new')], { failOn: 'regression', baseline: base })
        .verdict,
    ).toBe('pass');
    const report = gate([finding('HA.Storage.Redundancy', 'fail', 'new')], {
      failOn: 'regression',
      baseline: base,
    });
    expect(report.verdict).toBe('fail');
    expect(report.summary.regressions).toBe(1);
  });

  test('unknown-as fail makes a new unknown a fail-level regression', () => {
    const current = [finding('HA.Storage.Redundancy', 'unknown', 'new')];
    expect(gate(current, { failOn: 'regression', baseline: [] }).verdict).toBe('pass');
    expect(gate(current, { failOn: 'regression', baseline: [], unknownAs: 'fail' }).verdict).toBe('fail');
  });

  test('findings match across case of type and name', () => {
    const a = finding('HA.X', 'fail', 'St');
    const b = {
      ...finding('HA.X', 'fail', 'st'),
      resource: { ...a.resource, name: 'st', type: a.resource.type.toLowerCase() },
    };
    expect(findingKey(a)).toBe(findingKey(b));
  });
});

describe('config: overrides and suppressions', () => {
  test('off removes a rule; a severity override changes the status and says so', () => {
    const findings = [
      finding('HA.AKS.UptimeSLA', 'warn', 'aks'),
      finding('HA.Storage.Redundancy', 'fail', 'st'),
    ];
    const report = gate(findings, {
      config: 'rules:\n  HA.AKS.UptimeSLA: off\n  HA.Storage.Redundancy: warn\n',
    });
    expect(report.findings.map((f) => `${f.ruleId}:${f.status}`)).toEqual(['HA.Storage.Redundancy:warn']);
    expect(report.findings[0]?.message).toContain('reported as warn by the config file');
    expect(report.verdict).toBe('pass');
  });

  test('a suppression matching rule glob, resource glob and workspace hides the failure with its reason', () => {
    const config =
      'suppressions:\n  - rule: HA.Storage.*\n    resource: "scratch*"\n    workspace: mlws\n    reason: rebuilt nightly\n';
    const report = gate(
      [
        finding('HA.Storage.Redundancy', 'fail', 'scratch01'),
        finding('HA.Storage.Redundancy', 'fail', 'prod01'),
      ],
      { config },
    );
    expect(report.findings.map((f) => f.status)).toEqual(['suppressed', 'fail']);
    expect(report.findings[0]?.suppression).toEqual({ reason: 'rebuilt nightly', originalStatus: 'fail' });
    expect(report.summary.suppressed).toBe(1);
    const otherWorkspace =
      'suppressions:\n  - rule: HA.Storage.Redundancy\n    workspace: other\n    reason: r\n';
    expect(
      gate([finding('HA.Storage.Redundancy', 'fail', 'scratch01')], { config: otherWorkspace }).findings[0]
        ?.status,
    ).toBe('fail');
  });

  test('an expired suppression no longer applies and the report says so', () => {
    const config =
      'suppressions:\n  - rule: HA.Storage.Redundancy\n    reason: temporary\n    expires: 2026-01-31\n';
    const report = gate([finding('HA.Storage.Redundancy', 'fail', 'st')], { config });
    expect(report.findings[0]?.status).toBe('fail');
    expect(report.verdict).toBe('fail');
    expect(
      report.notes?.some((note) => note.includes('expired on 2026-01-31') && note.includes('cfg.yml:2')),
    ).toBe(true);
  });
});

describe('baseline report parsing', () => {
  test('accepts a report and rejects what is not one, naming the file', () => {
    const text = JSON.stringify({ findings: [finding('HA.X', 'fail', 'a')] });
    expect(parseBaselineReport(text, 'b.json')).toHaveLength(1);
    expect(() => parseBaselineReport('{', 'b.json')).toThrow(ConfigurationError);
    expect(() => parseBaselineReport('{"findings": [{"ruleId": 1}]}', 'b.json')).toThrow(
      /b.json|not an aml-ha-gate report/,
    );
    try {
      parseBaselineReport('[]', 'base.json');
    } catch (error) {
      expect((error as ConfigurationError).file).toBe('base.json');
    }
  });
});
