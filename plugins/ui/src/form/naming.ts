/** Deployment names, checked as the user types with the server's own rule (deployments/naming.py). */

export const MAX_NAME_LENGTH = 40;
const NAME = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;

/** Why `name` is not a deployment name, or null if it is one. */
export function nameProblem(name: string): string | null {
  if (name === "") return "a name is needed";
  if (name.length > MAX_NAME_LENGTH) return `at most ${MAX_NAME_LENGTH} characters (${name.length} now)`;
  if (/[A-Z]/.test(name)) return "lowercase letters only";
  if (!/^[a-z]/.test(name)) return "must start with a letter";
  if (!/[a-z0-9]$/.test(name)) return "must end with a letter or digit";
  if (!NAME.test(name)) return "only lowercase letters, digits and '-'";
  return null;
}
