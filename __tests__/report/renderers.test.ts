import { describe, expect, test } from '@jest/globals';
import { applyGate } from '../../src/gate.js';
import type { Finding, Report } from '../../src/model.js';
import { escapeMarkdownCell, logLine } from '../../src/report/escape.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderTable } from '../../src/report/table.js';
import type { RuleDefinition } from '../../src/rules/types.js';
import { finding } from '../gate/fixtures.js';

const rules: RuleDefinition[] = [
  {
    id: 'HA.Storage.Redundancy',
    title: 'Storage is zone-redundant',
    appliesTo: ['Microsoft.Storage/storageAccounts'],
    help: 'Use ZRS.',
    source: 'Storage redundancy',
    helpUri: 'https://example.test/storage',
    evaluate: () => [],
  },
  {
    id: 'HA.KeyVault.Availability',
    title: 'Key Vault HA',
    appliesTo: ['Microsoft.KeyVault/vaults'],
    help: 'Nothing.',
    source: 'Key Vault',
    helpUri: 'https://example.test/kv',
    evaluate: () => [],
  },
];

function report(findings: Finding[], extra: Partial<Report> = {}): Report {
  return {
    ...applyGate(findings, [], {
      mode: 'templates',
      failOn: 'fail',
      unknownAs: 'unknown',
      now: new Date('2026-11-22'),
      version: '1.0.0',
    }),
    ...extra,
  };
}

describe('markdown', () => {
  test('a hostile resource name cannot break the table or inject HTML', () => {
    const hostile = finding('HA.Storage.Redundancy', 'fail', 'a|b<script>alert(1)</script>\n| x |');
    const text = renderMarkdown(report([hostile]), rules, {});
    expect(text).not.toContain('<script>');
    const row = text.split('\n').find((line) => line.includes('alert'))!;
    const cells = row.split(/(?<!\\)\|/).length - 2;
    expect(cells).toBe(5);
    expect(escapeMarkdownCell('[x](javascript:y)')).toBe('\\[x\\](javascript:y)');
  });

  test('verdict first, failures in a table, passes folded, rule linked to its guidance', () => {
    const text = renderMarkdown(
      report([
        finding('HA.Storage.Redundancy', 'fail', 'st'),
        finding('HA.KeyVault.Availability', 'pass', 'kv'),
      ]),
      rules,
      { marker: '<!-- aml-ha-gate:AML HA gate -->', links: { runUrl: 'https://example.test/run/1' } },
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('<!-- aml-ha-gate:AML HA gate -->');
    expect(text.indexOf('❌ **Fails**')).toBeLessThan(text.indexOf('| status |'));
    expect(text).toContain('[HA.Storage.Redundancy](https://example.test/storage)');
    expect(text).toMatch(/<details><summary>Passed and information \(1\)<\/summary>/);
    expect(text).toContain('[workflow run](https://example.test/run/1)');
  });

  test('regressions come first in their own table', () => {
    const r = report([{ ...finding('HA.Storage.Redundancy', 'fail', 'st'), regression: true }]);
    const text = renderMarkdown(r, rules, {});
    expect(text.indexOf('Regressions')).toBeGreaterThan(0);
    expect(text.indexOf('Regressions')).toBeLessThan(text.indexOf('Workspace'));
  });

  test('truncates whole rows under maxLength with a visible note', () => {
    const many = Array.from({ length: 400 }, (_, i) =>
      finding('HA.Storage.Redundancy', 'fail', `storage${i}`),
    );
    const full = renderMarkdown(report(many), rules, {});
    const cut = renderMarkdown(report(many), rules, { maxLength: 8000 });
    expect(full.length).toBeGreaterThan(8000);
    expect(cut.length).toBeLessThanOrEqual(8000);
    expect(cut).toMatch(/\*\*\d+ more findings not shown\*\*/);
    expect(cut).toContain('<sub>aml-ha-gate');
  });
});

describe('JSON', () => {
  test('keys in the order of the contract', () => {
    const parsed = JSON.parse(renderJson(report([finding('HA.Storage.Redundancy', 'fail', 'st')]))) as Record<
      string,
      unknown
    >;
    expect(Object.keys(parsed)).toEqual([
      'tool',
      'mode',
      'verdict',
      'summary',
      'findings',
      'errors',
      'notes',
    ]);
    expect(Object.keys(parsed.summary as object)).toEqual([
      'pass',
      'fail',
      'warn',
      'info',
      'unknown',
      'suppressed',
      'regressions',
    ]);
    const first = (parsed.findings as Record<string, unknown>[])[0]!;
    expect(Object.keys(first)).toEqual([
      'ruleId',
      'status',
      'message',
      'resource',
      'workspace',
      'evidence',
      'location',
      'regression',
    ]);
    expect(Object.keys(first.resource as object)).toEqual(['type', 'name', 'id', 'role']);
    expect(parsed.tool).toEqual({ name: 'aml-ha-gate', version: '1.0.0' });
  });
});

describe('SARIF', () => {
  const r = report([
    finding('HA.Storage.Redundancy', 'fail', 'st'),
    finding('HA.Storage.Redundancy', 'warn', 'st2'),
    finding('HA.Storage.Redundancy', 'unknown', 'st3', { location: undefined }),
    finding('HA.KeyVault.Availability', 'pass', 'kv'),
    {
      ...finding('HA.Storage.Redundancy', 'suppressed', 'st4'),
      suppression: { reason: 'scratch', originalStatus: 'fail' },
    },
  ]);
  const sarif = JSON.parse(renderSarif(r, rules)) as {
    version: string;
    runs: {
      tool: { driver: { rules: { id: string; helpUri: string; help: { text: string } }[] } };
      results: Record<string, unknown>[];
    }[];
  };
  const results = sarif.runs[0]!.results;
  test('one result per non-pass finding with its level', () => {
    expect(sarif.version).toBe('2.1.0');
    expect(results.map((x) => x.level)).toEqual(['error', 'warning', 'note', 'error']);
  });
  test('template findings have a region; live ones a logical location', () => {
    expect(results[0]!.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'infra/main.json', uriBaseId: '%SRCROOT%' },
          region: { startLine: 12 },
        },
      },
    ]);
    expect(results[2]!.locations).toEqual([
      { logicalLocations: [{ fullyQualifiedName: '/x/st3', kind: 'resource' }] },
    ]);
  });
  test('suppressed findings carry the justification; rules carry help and link', () => {
    expect(results[3]!.suppressions).toEqual([{ kind: 'external', justification: 'scratch' }]);
    expect(sarif.runs[0]!.tool.driver.rules.map((rule) => rule.id)).toEqual([
      'HA.Storage.Redundancy',
      'HA.KeyVault.Availability',
    ]);
    expect(sarif.runs[0]!.tool.driver.rules[0]!.helpUri).toBe('https://example.test/storage');
  });
});

test('the terminal table puts the verdict first and colours only on request', () => {
  const r = report([finding('HA.Storage.Redundancy', 'fail', 'st')]);
  const plain = renderTable(r, { color: false });
  expect(plain.split('\n')[0]).toMatch(/^aml-ha-gate ✗ FAIL/);
  expect(plain).not.toContain('\u001b[');
  expect(renderTable(r, { color: true })).toContain('\u001b[31m');
  expect(plain).toContain('at infra/main.json:12');
});

describe('text from the repository', () => {
  const hostileName = '@contoso/admins';
  const hostileMessage = 'see #123, GH-7, octo/repo#9, @octocat and https://github.com/octo/repo/issues/5';

  test('markdown: mentions and issue references neither notify nor link (a zero-width space breaks them)', () => {
    const hostile = finding('HA.Storage.Redundancy', 'fail', hostileName, {
      message: hostileMessage,
      workspace: '@contoso/ml-team',
      suppression: undefined,
    });
    const suppressed = {
      ...finding('HA.Storage.Redundancy', 'suppressed', 'st2'),
      suppression: { reason: 'approved by @boss in #42', originalStatus: 'fail' as const },
    };
    const r = report([hostile, suppressed], {
      errors: [{ file: 'infra/@x.json', message: 'broken near @someone #1' }],
      notes: ['fail: 1 failure.', 'a note for @team and #77'],
    });
    const text = renderMarkdown(r, rules, {});
    // Outside code spans, no @ or # is followed by a name or number; GH-7 and the issue URL are broken too.
    const prose = text.replace(/`[^`\n]*`/g, '');
    expect(prose).not.toMatch(/@[\p{L}\p{N}_-]/u);
    expect(prose).not.toMatch(/#\d/);
    expect(prose).not.toMatch(/\bGH-\d/);
    expect(prose).not.toContain('https://github.com/octo/repo/issues/5');
    // It still reads the same once the invisible character is removed.
    const visible = text.replaceAll('\u200B', '');
    expect(visible).toContain('@contoso/admins');
    expect(visible).toContain('see #123, GH-7, octo/repo#9, @octocat');
    expect(visible).toContain('approved by @boss in #42');
    expect(visible).toContain('a note for @team and #77');
  });

  test('markdown: control characters and bidirectional overrides are shown, not obeyed', () => {
    const text = renderMarkdown(
      report([finding('HA.Storage.Redundancy', 'fail', 'st\u001b[32mOK\u202Egnp.exe\u0000')]),
      rules,
      {},
    );
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    expect(text).toContain('st\\\\e\\[32mOK\\\\u202egnp.exe\\\\u0000');
  });

  test('the terminal table shows ANSI escapes and line breaks in names as text: a FAIL row cannot be repainted as PASS', () => {
    const forged = finding(
      'HA.Storage.Redundancy',
      'fail',
      'st\r\u001b[2K\u001b[32m  PASS     HA.Storage.Redundancy  st (defaultStorage)',
      {
        message: 'ok\u001b[1A\u001b[2Kgone',
        location: { file: 'infra/a\u001b]8;;https://evil.example\u0007x.json', line: 3 },
      },
    );
    for (const color of [false, true]) {
      const table = renderTable(report([forged]), { color });
      const withoutOurColours = table.replace(/\u001b\[(?:\d+)m/g, '');
      expect(withoutOurColours).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
      const rows = table.split('\n').filter((line) => line.includes('HA.Storage.Redundancy'));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatch(/FAIL/);
      expect(table).toContain('st\\r\\e[2K\\e[32m  PASS');
    }
  });

  test('a log line cannot become a workflow command', () => {
    const name = 'x.json\n::error file=README.md,line=1,title=Forged::forged\n::add-mask::AML HA gate';
    const line = logLine(`template(s) to check: ${name} ##[add-mask]AML HA gate`);
    expect(line).not.toContain('\n');
    expect(line).not.toContain('##[');
    expect(logLine('::error::x')).not.toMatch(/^\s*::/);
    expect(logLine('   ::warning::x')).not.toMatch(/^\s*::/);
    expect(logLine('ordinary message: a::b')).toBe('ordinary message: a::b');
  });
});

test('JSON and SARIF printed in a workflow log hold no ##[ command, and parse to the same values', () => {
  const name = 'st##[add-mask]AML HA gate';
  const r = report([finding('HA.Storage.Redundancy', 'fail', name)]);
  for (const text of [renderJson(r), renderSarif(r, rules)]) {
    expect(text).not.toContain('##[');
    expect(text).toContain('st#\\u0023[add-mask]');
  }
  expect((JSON.parse(renderJson(r)) as Report).findings[0]!.resource.name).toBe(name);
});
