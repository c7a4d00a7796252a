/**
 * The Node binary the end-to-end tests run the bundles with. `AML_HA_GATE_E2E_NODE` points at
 * another one (`.ci/run` sets it to a Node 24 binary, the runner's, while jest itself runs on the
 * machine's Node); unset, this process's own.
 */
export const e2eNode: string = process.env.AML_HA_GATE_E2E_NODE || process.execPath;
