/**
 * The pull-request comment as a reader acts on it: links to the lines at the PR head, a table that
 * fits GitHub's comment width, each regression once, a headline in words, passes under their
 * workspace, names that did not evaluate shown readably.
 */
import { describe, expect, test } from '@jest/globals';
import { applyGate } from '../../src/gate.js';
import type { Finding, Report } from '../../src/model.js';
import { breakable, encodePath, renderMarkdown, shortFileNames } from '../../src/report/markdown.js';
import { headlineText } from '../../src/report/order.js';
import { RULES } from '../../src/rules/index.js';
import { finding } from '../gate/fixtures.js';

function report(findings: Finding[], failOn: 'regression' | 'fail' | 'never' = 'regression'): Report {
  return applyGate(findings, [], {
    mode: 'templates',
    failOn,
    unknownAs: 'unknown',
    now: new Date('2026-11-22'),
    version: '1.0.0',
  });
}

const BLOB = 'https://ghe.contoso.test/ml/infra/blob/0123456789abcdef0123456789abcdef01234567';

/** The table rows (lines starting with `| ` that are not the header or its rule). */
function rows(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| status') && !line.startsWith('| ---'));
}

describe('the "where" column', () => {
  test('links each finding to its line at the PR head, on the server the run is on', () => {
    const text = renderMarkdown(
      report([
        finding('HA.Storage.Redundancy', 'fail', 'st', { location: { file: 'infra/main.json', line: 57 } }),
      ]),
      RULES,
      { links: { blob: BLOB } },
    );
    expect(text).toContain(`[main.json:57](${BLOB}/infra/main.json#L57)`);
  });

  test('paths are percent-encoded so that spaces, parentheses and # cannot end the link', () => {
    expect(encodePath('infra/my dir/(prod)#1/a.json')).toBe('infra/my%20dir/%28prod%29%231/a.json');
    const text = renderMarkdown(
      report([
        finding('HA.Storage.Redundancy', 'fail', 'st', { location: { file: 'infra/(x) y.json', line: 3 } }),
      ]),
      RULES,
      { links: { blob: BLOB } },
    );
    expect(text).toContain(`(${BLOB}/infra/%28x%29%20y.json#L3)`);
  });

  test('shows the shortest tail of the path that tells the table’s files apart', () => {
    const names = shortFileNames([
      finding('A', 'fail', 'a', { location: { file: 'infra/dev/main.json', line: 1 } }),
      finding('A', 'fail', 'b', { location: { file: 'infra/prod/main.json', line: 1 } }),
      finding('A', 'fail', 'c', { location: { file: 'infra/prod/main.parameters.json', line: 1 } }),
    ]);
    expect(Object.fromEntries(names)).toEqual({
      'infra/dev/main.json': 'dev/main.json',
      'infra/prod/main.json': 'prod/main.json',
      'infra/prod/main.parameters.json': 'main.parameters.json',
    });
  });

  test('without a blob URL (the CLI) the location is plain text', () => {
    const text = renderMarkdown(report([finding('HA.Storage.Redundancy', 'fail', 'st')]), RULES, {});
    expect(rows(text)[0]).toMatch(/\| main\.json:12 \|$/);
  });
});

describe('layout for GitHub’s comment width', () => {
  test('three columns: status, the finding (resource, role, message, rule link), where', () => {
    const text = renderMarkdown(
      report([finding('HA.Storage.Redundancy', 'fail', 'stmlws')], 'fail'),
      RULES,
      {},
    );
    expect(text).toContain('| status | finding | where |');
    const [row] = rows(text);
    expect(row!.split(/(?<!\\)\|/).length - 2).toBe(3);
    expect(row).toContain(
      '**stmlws** (default storage): HA.Storage.Redundancy on stmlws<br><sub>[HA.Storage.Redundancy](',
    );
  });

  test('long names and paths get break opportunities, short ones are left alone', () => {
    expect(breakable('azuredeploy.json:12')).toBe('azuredeploy.json:12');
    expect(breakable('examples/workspace-with-gaps/azuredeploy.json:12')).toBe(
      'examples/<wbr>workspace-<wbr>with-<wbr>gaps/<wbr>azuredeploy.<wbr>json:12',
    );
  });
});

describe('each regression once, passes under their workspace', () => {
  const findings = [
    { ...finding('HA.Storage.Redundancy', 'fail', 'stnew'), regression: true },
    finding('HA.Storage.Redundancy', 'fail', 'stold'),
    finding('HA.KeyVault.Availability', 'pass', 'kv1', { workspace: 'mlws-a' }),
    finding('HA.KeyVault.Availability', 'pass', 'kv2', { workspace: 'mlws-b' }),
  ];

  test('a regression is listed in the regressions table only', () => {
    const text = renderMarkdown(report(findings), RULES, { compared: true });
    expect(rows(text).filter((row) => row.includes('**stnew**'))).toHaveLength(1);
    expect(rows(text).filter((row) => row.includes('**stold**'))).toHaveLength(1);
    const regressionTable = text.slice(text.indexOf('Regressions'), text.indexOf('#### Workspace'));
    expect(regressionTable).toContain('**stnew** (default storage of mlws)');
  });

  test('passes are folded and grouped under their own workspace', () => {
    const text = renderMarkdown(report(findings), RULES, { compared: true });
    const folded = text.slice(text.indexOf('<details><summary>Passed and information (2)'));
    expect(folded.indexOf('**Workspace `mlws-a`**')).toBeGreaterThan(0);
    expect(folded.indexOf('**kv1**')).toBeGreaterThan(folded.indexOf('**Workspace `mlws-a`**'));
    expect(folded.indexOf('**Workspace `mlws-b`**')).toBeGreaterThan(folded.indexOf('**kv1**'));
    expect(folded.indexOf('**kv2**')).toBeGreaterThan(folded.indexOf('**Workspace `mlws-b`**'));
  });
});

describe('the headline reads naturally', () => {
  const fail = (name: string, regression = false) => ({
    ...finding('HA.Storage.Redundancy', 'fail', name),
    regression,
  });
  const warn = (name: string) => finding('HA.Storage.Redundancy', 'warn', name);

  test.each([
    [
      'regressions and old failures',
      [fail('a', true), fail('b', true), fail('c', true), fail('d')],
      true,
      '3 HA regressions; 1 existing failure',
    ],
    ['one regression', [fail('a', true)], true, '1 HA regression'],
    [
      'no regression, old failures and warnings',
      [fail('a'), fail('b'), warn('c')],
      true,
      'No HA regressions; 2 existing failures, 1 warning',
    ],
    ['no comparison: failures', [fail('a'), fail('b'), warn('c')], false, '2 HA failures, 1 warning'],
    ['nothing', [finding('HA.KeyVault.Availability', 'pass', 'kv')], false, 'No HA gaps found'],
  ])('%s', (_what, findings, compared, expected) => {
    const r = report(findings as Finding[]);
    expect(headlineText(r, compared as boolean)).toBe(expected);
    expect(renderMarkdown(r, RULES, { compared: compared as boolean })).toContain(
      `**${(expected as string).split(';')[0]!.split(', ')[0]}**`,
    );
  });

  test('the verdict icon follows the gate, not the counts', () => {
    const passing = renderMarkdown(report([fail('a')], 'regression'), RULES, { compared: true });
    expect(passing).toContain('✅ **No HA regressions**; 1 existing failure');
    const failing = renderMarkdown(report([fail('a')], 'fail'), RULES, { compared: true });
    expect(failing).toContain('❌ **No HA regressions**; 1 existing failure');
    expect(failing).toContain('Gate: 1 failure.');
  });
});

describe('names that did not evaluate', () => {
  test('a workspace named by an expression is titled readably, and says so', () => {
    const expression = "[concat(parameters('workspaceName'), '/', parameters('computeName'))]";
    const compute = finding('HA.AKS.CreatedByWorkspace', 'warn', expression, {
      // What the graph gives a child whose name is still an expression: its first `/` segment.
      workspace: "[concat(parameters('workspaceName'), '",
      message: 'AKS compute created by Azure ML.',
      resource: {
        type: 'Microsoft.MachineLearningServices/workspaces/computes',
        name: expression,
        id: 'x',
        role: 'compute',
      },
    });
    const text = renderMarkdown(report([compute]), RULES, {});
    expect(text).toContain(
      '#### Workspace `{workspaceName}` (name not evaluated: it uses parameters workspaceName, computeName)',
    );
    expect(text).not.toContain("[concat(parameters('workspaceName'), '");
    expect(text).toContain('**{workspaceName}/{computeName}** (compute; name not evaluated');
  });
});
