#!/usr/bin/env node
var __webpack_exports__ = {};

;// CONCATENATED MODULE: ./.build/version.js
/** The tool's version, reported in JSON/SARIF and `--version`. Kept in step with package.json by a test. */
const VERSION = '1.0.0';
const TOOL_NAME = 'aml-ha-gate';

;// CONCATENATED MODULE: ./.build/cli.js

console.log(`aml-ha-gate ${VERSION}`);

