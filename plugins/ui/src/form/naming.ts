/** Deployment names, checked as the user types with the server's own rule (deployments/naming.py). */
import type { Translate } from "../i18n";

export const MAX_NAME_LENGTH = 40;
const NAME = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;

/** Why `name` is not a deployment name, or null if it is one. */
export function nameProblem(name: string, t: Translate): string | null {
  if (name === "") return t("deploy.name.needed");
  if (name.length > MAX_NAME_LENGTH)
    return t("deploy.name.tooLong", { max: MAX_NAME_LENGTH, length: name.length });
  if (/[A-Z]/.test(name)) return t("deploy.name.lowercase");
  if (!/^[a-z]/.test(name)) return t("deploy.name.start");
  if (!/[a-z0-9]$/.test(name)) return t("deploy.name.end");
  if (!NAME.test(name)) return t("deploy.name.characters");
  return null;
}
