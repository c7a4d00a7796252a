/**
 * Issue 11, point 5: the config file is bounded (size, entries, pattern length, no YAML anchors or
 * aliases) and its globs match in time linear in the name, compiled once.
 */
import { describe, expect, test, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import picomatch from 'picomatch';
import { globMatch, loadConfigFile, parseConfigFile } from '../../src/config-file.js';
import type { Report } from '../../src/model.js';
import {
  lrsStorage,
  openTempDir,
  runBundled,
  runInProcess,
  STACK_FRAME,
  template,
  writeFiles,
} from './harness.js';

// Child runs are bounded by their own kill timeout; the test waits for that bound.
jest.setTimeout(120_000);

/** 800 storage accounts on Standard_LRS through one copy loop: 800 failing findings. */
function eightHundredFindings(): string {
  return template([{ ...lrsStorage("[concat('st', copyIndex())]"), copy: { name: 'accounts', count: 800 } }]);
}

/** `count` suppressions whose globs have many `*` and almost match every finding, but never do. */
function starryConfig(count: number): string {
  const lines = ['suppressions:'];
  for (let i = 0; i < count; i++) {
    lines.push(`  - rule: "*H*A*.*S*t*o*r*a*g*e*.*R*e*d*u*n*d*a*n*c*y*X${i % 10}"`);
    lines.push('    resource: "*s*t*1*2*3*4*5*6*7*8*9*0*"');
    lines.push('    reason: r');
  }
  return `${lines.join('\n')}\n`;
}

describe('suppression globs', () => {
  test('many `*` against many findings: the whole scan ends well within the kill timeout, nothing suppressed', async () => {
    const dir = writeFiles(openTempDir('aml-ha-gate-globs-'), {
      'main.json': eightHundredFindings(),
      'gate.yml': starryConfig(2_000),
    });
    const run = await runBundled(['scan', 'main.json', '--config', 'gate.yml', '--format', 'json'], {
      cwd: dir,
      killAfterMs: 60_000,
    });
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.summary.fail).toBe(800);
    expect(report.summary.suppressed).toBe(0);
  }, 90_000);

  test('glob semantics: * (any run, across /), ? (one character), [a-c] and {a,b}, case-insensitive', () => {
    expect(globMatch('HA.Storage.*', 'ha.storage.redundancy')).toBe(true);
    expect(globMatch('HA.Storage.*', 'HA.Storagex')).toBe(false);
    expect(globMatch('st*', 'st')).toBe(true);
    expect(globMatch('ws/*', 'ws/compute/x')).toBe(true);
    expect(globMatch('a?c', 'abc')).toBe(true);
    expect(globMatch('a?c', 'ac')).toBe(false);
    expect(globMatch('st[a-c]1', 'stB1')).toBe(true);
    expect(globMatch('st[!a-c]1', 'stb1')).toBe(false);
    expect(globMatch('st[!a-c]1', 'std1')).toBe(true);
    expect(globMatch('{dev,test}-*', 'test-ws')).toBe(true);
    expect(globMatch('{dev,test}-*', 'prod-ws')).toBe(false);
    expect(globMatch('*', '')).toBe(false); // as picomatch: `workspace: "*"` needs a workspace
    expect(globMatch('.hidden*', '.hidden-x')).toBe(true);
    expect(globMatch('a.b', 'aXb')).toBe(false);
  });

  test('agrees with picomatch (bash mode) on small patterns of *, ? and letters', () => {
    const alphabet = fc.constantFrom('a', 'b', '.', '/', '-');
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', '.', '-', '*', '?', '**'), { maxLength: 6 }),
        fc.array(alphabet, { maxLength: 8 }),
        (tokens, chars) => {
          const pattern = tokens.join('');
          const value = chars.join('');
          if (pattern === '' || /^\.|\/\.|\.\.|^\//.test(value)) return; // picomatch's dot-segment rules
          const expected = picomatch.isMatch(value, pattern, { nocase: true, dot: true, bash: true });
          expect([pattern, value, globMatch(pattern, value)]).toEqual([pattern, value, expected]);
        },
      ),
      { numRuns: 500, seed: 11 },
    );
  });
});

describe('config file bounds', () => {
  test('more suppressions than the limit is a clear error naming it', () => {
    expect(() => parseConfigFile(starryConfig(2_001), 'gate.yml')).toThrow(
      /^2001 suppressions: at most 2000 are read/,
    );
  });

  test('a glob longer than the limit is refused on its line', () => {
    const text = `suppressions:\n  - rule: HA.X\n    resource: "${'a*'.repeat(300)}"\n    reason: r\n`;
    expect(() => parseConfigFile(text, 'gate.yml')).toThrow(
      /resource glob is 600 characters long: at most 512/,
    );
  });

  test('YAML anchors and aliases are refused with the line, and an alias bomb ends at once with a short message', () => {
    const reuse = 'suppressions:\n  - &s {rule: HA.X, resource: a, reason: r}\n  - *s\n';
    expect(() => parseConfigFile(reuse, 'gate.yml')).toThrow(/anchors and aliases .* are not supported/);
    try {
      parseConfigFile(reuse, 'gate.yml');
    } catch (error) {
      expect((error as { line?: number }).line).toBe(2);
    }
    const defs = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 30; i++)
      defs.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const bomb = `rules:\n  ? {${defs.join(', ')}}\n  : off\n`;
    let message = '';
    try {
      parseConfigFile(bomb, 'gate.yml');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/anchors and aliases|keys must be plain names/);
    expect(message.length).toBeLessThan(300);
  });

  test('brackets nested deeper than the limit are refused before parsing, with the line', () => {
    expect(() => parseConfigFile(`rules: {}\nsuppressions: ${'['.repeat(200_000)}`, 'gate.yml')).toThrow(
      /^brackets nested more than 64 deep/,
    );
  });

  test('a key that is a collection is named briefly, not printed', () => {
    const text = `suppressions:\n  - {? [${Array(2000).fill('x').join(', ')}] : 1, rule: HA.X, reason: r}\n`;
    let message = '';
    try {
      parseConfigFile(text, 'gate.yml');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/keys must be plain names/);
    expect(message.length).toBeLessThan(300);
  });

  test('a config file over the size limit is refused before it is parsed', async () => {
    const dir = writeFiles(openTempDir('aml-ha-gate-bigcfg-'), {
      'gate.yml': `# ${'x'.repeat(300 * 1024)}\nrules: {}\n`,
    });
    await expect(loadConfigFile(path.join(dir, 'gate.yml'), { required: true })).rejects.toThrow(
      /the file is 300\.0 KiB, over the 256 KiB limit for the config file/,
    );
  });
});

const posix = process.platform !== 'win32';
(posix ? describe : describe.skip)('config and baseline files that are not regular files', () => {
  test('--config and --baseline naming a FIFO end with one line naming the file, without waiting', async () => {
    const dir = writeFiles(openTempDir('aml-ha-gate-cfgfifo-'), { 'main.json': template([lrsStorage()]) });
    execFileSync('mkfifo', [path.join(dir, 'gate.yml')]);
    execFileSync('mkfifo', [path.join(dir, 'base.json')]);
    for (const args of [
      ['--config', 'gate.yml'],
      ['--baseline', 'base.json'],
    ]) {
      const run = await runBundled(['scan', 'main.json', ...args], { cwd: dir, killAfterMs: 20_000 });
      expect(run.timedOut).toBe(false);
      expect(run.code).toBe(2);
      expect(run.stderr).not.toMatch(STACK_FRAME);
      expect(run.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          new RegExp(`^aml-ha-gate: ${args[1].replace('.', '\\.')}: .*not a regular file \\(a FIFO\\)`),
        ),
      ]);
    }
  });

  test('a default config file that links out of the repository is refused', async () => {
    const base = openTempDir('aml-ha-gate-cfglink-');
    writeFiles(base, { 'secret.yml': 'rules: {}\n' });
    const repo = writeFiles(path.join(base, 'repo'), {
      'main.json': template([lrsStorage()]),
      '.github/x': '',
    });
    execFileSync('ln', ['-s', path.join(base, 'secret.yml'), path.join(repo, '.github/aml-ha-gate.yml')]);
    const run = await runInProcess(['scan', 'main.json'], repo);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^aml-ha-gate: \.github\/aml-ha-gate\.yml: .*symbolic link to .*secret\.yml, outside the repository/,
    );
  });
});
