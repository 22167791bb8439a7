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

/**
 * The problems of one environment variable: those at `env.<name>`, and those at `env` that
 * name it (the server checks the names together and quotes the one that is wrong).
 */
export function envProblemsOf(problems: readonly FieldProblem[], name: string): string[] {
  if (name === "") return [];
  const quoted = `'${name}'`;
  return problems
    .filter((p) => p.path === `env.${name}` || (p.path === "env" && p.message.includes(quoted)))
    .map((p) => p.message);
}
