/** The tool's version, reported in JSON/SARIF and `--version`. Kept in step with package.json by a test. */
export const VERSION = '1.0.0';
export const TOOL_NAME = 'aml-ha-gate';
