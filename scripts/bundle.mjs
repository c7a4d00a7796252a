// Bundles the action (src/main.ts -> dist/index.js) and the CLI (src/cli.ts -> dist/cli/index.js).
// tsc compiles src/ to ESM in .build/, then @vercel/ncc bundles each entry with its dependencies.
// Beside each bundle, licenses.txt holds the license of every npm package inside it: the packages
// are read from ncc's own module graph (what it really bundled, lazily loaded chunks included),
// their license and notice texts collected by generate-license-file. (ncc's `license` option
// keeps only the last chunk's list: 1 package of ~70 here.)
// `node scripts/bundle.mjs --out DIR` writes elsewhere (CI rebuilds into a temp dir and compares).
import ncc from '@vercel/ncc';
import { getLicenseFileText, getProjectLicenses } from 'generate-license-file';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const outIndex = process.argv.indexOf('--out');
const outDir = resolve(outIndex > 0 ? process.argv[outIndex + 1] : 'dist');
const buildDir = resolve('.build');
const manifest = resolve('package.json');

rmSync(buildDir, { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});

/** `name@version` of every npm package whose files are in the compilation (concatenated modules opened). */
function bundledPackages(compilation) {
  const roots = new Set();
  const visit = (module) => {
    if (typeof module.resource === 'string') {
      const match = /^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(module.resource);
      if (match) roots.add(match[1]);
    }
    for (const inner of module.modules ?? []) visit(inner);
  };
  for (const module of compilation.modules) visit(module);
  return new Set(
    [...roots].map((root) => {
      const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
      return `${name}@${version}`;
    }),
  );
}

// Every production dependency the lockfile installed; a bundle's license file leaves out the others.
const installed = new Set((await getProjectLicenses(manifest)).flatMap((license) => license.dependencies));

// `debug` (under the proxy agents) tries `require('supports-color')` and does without it; only jest
// installs it, so bundling it would ship a dev-only package. Left external, the try fails quietly.
const externals = ['supports-color'];

const entries = [
  { entry: 'main.js', out: outDir },
  { entry: 'cli.js', out: join(outDir, 'cli'), shebang: true },
];

rmSync(outDir, { recursive: true, force: true });
for (const { entry, out, shebang } of entries) {
  const { code, assets, stats } = await ncc(join(buildDir, entry), {
    minify: false,
    sourceMap: false,
    externals,
    quiet: true,
  });
  mkdirSync(out, { recursive: true });
  const file = join(out, 'index.js');
  const body = shebang && !code.startsWith('#!') ? `#!/usr/bin/env node\n${code}` : code;
  writeFileSync(file, body);
  if (shebang) chmodSync(file, 0o755);
  for (const [name, asset] of Object.entries(assets)) {
    const target = join(out, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, asset.source);
  }

  const bundled = bundledPackages(stats.compilation);
  const strays = [...bundled].filter((id) => !installed.has(id));
  if (strays.length > 0) {
    throw new Error(
      `${entry} bundles packages that are not production dependencies (move them to "dependencies"): ${strays.join(', ')}`,
    );
  }
  const licenses = await getLicenseFileText(manifest, {
    lineEnding: 'lf',
    exclude: [...installed].filter((id) => !bundled.has(id)),
  });
  writeFileSync(join(out, 'licenses.txt'), licenses);
  console.log(`${relative(process.cwd(), file)}: ${bundled.size} packages, licenses.txt beside it`);
}
rmSync(buildDir, { recursive: true, force: true });
console.log(`bundled into ${outDir}`);
