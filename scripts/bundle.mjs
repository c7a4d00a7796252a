// Bundles the action (src/main.ts -> dist/index.js) and the CLI (src/cli.ts -> dist/cli/index.js).
// tsc compiles src/ to ESM in .build/, then @vercel/ncc bundles each entry with its dependencies.
// `node scripts/bundle.mjs --out DIR` writes elsewhere (CI rebuilds into a temp dir and compares).
import ncc from '@vercel/ncc';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const outIndex = process.argv.indexOf('--out');
const outDir = resolve(outIndex > 0 ? process.argv[outIndex + 1] : 'dist');
const buildDir = resolve('.build');

rmSync(buildDir, { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});

const entries = [
  { entry: 'main.js', out: outDir },
  { entry: 'cli.js', out: join(outDir, 'cli'), shebang: true },
];

rmSync(outDir, { recursive: true, force: true });
for (const { entry, out, shebang } of entries) {
  const { code, assets } = await ncc(join(buildDir, entry), {
    minify: false,
    sourceMap: false,
    license: 'licenses.txt',
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
}
rmSync(buildDir, { recursive: true, force: true });
console.log(`bundled into ${outDir}`);
