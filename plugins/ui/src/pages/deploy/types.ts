import type { Draft } from "../../form/draft";
import type { FieldProblem } from "../../form/problems";

/** What every part of the deploy form gets: the draft, a way to change it, and its problems. */
export interface PartProps {
  draft: Draft;
  update: (changes: Partial<Draft>) => void;
  problemsAt: (path: string) => string[];
  problems: readonly FieldProblem[];
}
