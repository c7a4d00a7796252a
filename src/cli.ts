import { VERSION } from './version.js';

console.log(`aml-ha-gate ${VERSION}`);
