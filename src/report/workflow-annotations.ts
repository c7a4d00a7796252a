import type { Annotation } from './checkrun.js';
import { annotationText } from './escape.js';

/**
 * GitHub shows at most this many annotations of each level made by workflow commands in one step
 * (and 50 in a job); more are dropped silently, so the rest are counted and said instead.
 */
export const WORKFLOW_ANNOTATIONS_PER_LEVEL = 10;

/** An annotation as a `::error|warning|notice file=…,line=…,title=…::message` workflow command. */
export interface WorkflowAnnotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  title: string;
  file: string;
  line: number;
  endLine: number;
}

const LEVEL: Record<Annotation['annotation_level'], WorkflowAnnotation['level']> = {
  failure: 'error',
  warning: 'warning',
  notice: 'notice',
};

/**
 * The check run's annotations as workflow commands, for when no check run could be made (a fork
 * pull request's read-only token, no token, GitHub unavailable): the runner turns them into
 * annotations on the same lines with no token at all. The list is in the check run's order
 * (regressions and failures first), capped per level at what GitHub shows.
 */
export function workflowAnnotations(annotations: readonly Annotation[]): {
  shown: WorkflowAnnotation[];
  notShown: number;
} {
  const used = { error: 0, warning: 0, notice: 0 };
  const shown: WorkflowAnnotation[] = [];
  for (const annotation of annotations) {
    const level = LEVEL[annotation.annotation_level];
    if (used[level] >= WORKFLOW_ANNOTATIONS_PER_LEVEL) continue;
    used[level]++;
    shown.push({
      level,
      message: annotationText(annotation.message),
      title: annotationText(annotation.title),
      file: annotationText(annotation.path),
      line: annotation.start_line,
      endLine: annotation.end_line,
    });
  }
  return { shown, notShown: annotations.length - shown.length };
}
