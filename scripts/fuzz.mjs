// The long fuzz run (`npm run fuzz`): the fuzz suite with FUZZ_RUNS inputs (300 unless set) and a
// fresh seed (FUZZ_SEED replays one). `npm test` runs the same suite short and seeded.
import { spawnSync } from 'node:child_process';

const env = { ...process.env, FUZZ_RUNS: process.env.FUZZ_RUNS ?? '300' };
const result = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    'node_modules/jest/bin/jest.js',
    '__tests__/fuzz',
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
