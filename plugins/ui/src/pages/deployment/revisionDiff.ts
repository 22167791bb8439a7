/**
 * What a revision changed, as lines a person reads: the field, its value before and after.
 * A secret file's content never reaches the page (the API says only that it changed); env
 * values whose names say they are secrets are masked like on the Spec tab.
 */
import type { Schemas } from "../../api/client";
import type { Translate } from "../../i18n";
import { MASK, isSensitiveName } from "./specRows";

export interface ChangeLine {
  path: string;
  before: string;
  after: string;
}

/** A field's value as text: strings as they are, everything else as compact JSON. */
function valueText(value: unknown, t: Translate): string {
  if (value === null || value === undefined) return t("deployment.history.notSet");
  return typeof value === "string" ? value : JSON.stringify(value);
}

function masked(path: string): boolean {
  const env = /^env\.(.+)$/.exec(path);
  return env?.[1] !== undefined && isSensitiveName(env[1]);
}

export function changeLines(diff: Schemas["FieldChangeOut"][], t: Translate): ChangeLine[] {
  return diff.map((change) => {
    if (change.secret) {
      const hidden = t("deployment.history.secretChanged");
      return { path: change.path, before: hidden, after: hidden };
    }
    const hide = masked(change.path);
    const text = (value: unknown) =>
      hide && value !== null && value !== undefined ? MASK : valueText(value, t);
    return { path: change.path, before: text(change.old), after: text(change.new) };
  });
}
