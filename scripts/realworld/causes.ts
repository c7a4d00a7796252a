/**
 * Which root cause of issue 10 most likely explains a mismatch. The manifest names it where reading
 * the template tells (a `cause` on the verdict or dependency); otherwise these rules of thumb,
 * from the shape of the mismatch and the tool's own message, decide.
 */
import type { Finding, Report } from '../../src/model.js';
import type {
  Cause,
  DependencyExpectation,
  ExpectedStatus,
  SetSpec,
  WorkspaceExpectation,
} from './manifest.js';

export interface Mismatch {
  set: string;
  subject: string;
  expected: string;
  actual: string;
  cause: Cause;
}

export type MismatchShape =
  | { kind: 'fileError'; set: SetSpec; message: string }
  | { kind: 'missingWorkspace'; set: SetSpec; report: Report }
  | { kind: 'extraWorkspace'; set: SetSpec; finding: Finding }
  | { kind: 'unlinkedDependency'; set: SetSpec; dependency: DependencyExpectation; findings: Finding[] }
  | {
      kind: 'missingFinding';
      set: SetSpec;
      workspace: WorkspaceExpectation;
      dependency?: DependencyExpectation;
    }
  | {
      kind: 'wrongStatus';
      set: SetSpec;
      finding: Finding;
      accepted: ExpectedStatus[];
      workspace: WorkspaceExpectation;
      dependency?: DependencyExpectation;
    }
  | { kind: 'duplicate'; set: SetSpec };

const NULL_MESSAGE = /\bnull\b|not one of its allowed values|has no value/i;
const BICEP_MESSAGE = /bicep|BCP\d+/i;
const PLACEHOLDER_MESSAGE = /westeurope|00000000-0000-0000-0000-000000000000|placeholder/i;

export function causeOf(shape: MismatchShape): Cause {
  switch (shape.kind) {
    case 'fileError':
      if (shape.set.needs.includes('bicep') && BICEP_MESSAGE.test(shape.message)) return 8;
      if (NULL_MESSAGE.test(shape.message)) return 1;
      return `other: file error`;
    case 'missingWorkspace':
      if (shape.report.errors.length > 0)
        return causeOf({ kind: 'fileError', set: shape.set, message: shape.report.errors[0]!.message });
      return 'other: workspace not found';
    case 'extraWorkspace':
      return 'other: a workspace the set does not deploy';
    case 'unlinkedDependency':
      if (shape.dependency.where === 'outside') return 3;
      return 'other: dependency inside the templates not linked';
    case 'missingFinding':
      if (shape.dependency?.where === 'outside') return 3;
      if (shape.dependency) return 'other: dependency inside the templates not judged';
      return 'other: workspace rule missing';
    case 'wrongStatus': {
      const { finding, dependency } = shape;
      if (dependency?.where === 'outside') return 3;
      if (finding.status === 'unknown' && NULL_MESSAGE.test(finding.message)) return 1;
      if (PLACEHOLDER_MESSAGE.test(finding.message)) return 4;
      if (finding.ruleId === 'HA.Workspace.CmkCosmosDb') return 5;
      return `other: ${finding.ruleId} ${finding.status}`;
    }
    case 'duplicate':
      return 6;
  }
}

export function causeLabel(cause: Cause): string {
  return typeof cause === 'number' ? String(cause) : cause;
}
