/**
 * A 422's lines (`mounts[1].smb.mount_path: must be absolute`) placed at the form's fields.
 *
 * A field asks for the lines at its path or below it; lines no field claims are shown together
 * above the Deploy button, so no message is ever lost.
 */

export interface FieldProblem {
  path: string;
  message: string;
}

const LINE = /^([A-Za-z_][\w]*(?:\[\d+\]|\.[\w-]+)*): (.*)$/s;

export function parseProblem(line: string): FieldProblem {
  const match = LINE.exec(line);
  return match ? { path: match[1] ?? "", message: match[2] ?? "" } : { path: "", message: line };
}

/** Whether `path` is `prefix` itself or lies below it (`args` covers `args[2]`, not `args_x`). */
export function isAtOrBelow(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

export function problemsAt(problems: readonly FieldProblem[], prefix: string): string[] {
  return problems.filter((problem) => isAtOrBelow(problem.path, prefix)).map((problem) => problem.message);
}

/** The problems under none of `claimed` (the paths the form shows messages at). */
export function unclaimed(problems: readonly FieldProblem[], claimed: readonly string[]): FieldProblem[] {
  return problems.filter((problem) => !claimed.some((prefix) => isAtOrBelow(problem.path, prefix)));
}
