/**
 * A 409 on an edit, as rows a person compares: each field someone else changed since the form
 * was loaded, with its value then, theirs now, and the one in the form.
 */
import type { Schemas } from "../api/client";
import type { Spec } from "./draft";

type FieldChange = Schemas["FieldChangeOut"];

/** Lists the server compares item by item, and the field naming each item (as in changes.py). */
const KEYED_LISTS: Record<string, string> = { config_files: "file_name", mounts: "mount_path" };
const STEP = /([^.[\]]+)|\[([^\]]*)\]/g;

export interface ConflictRow {
  path: string;
  /** When the form was loaded (undefined: not set). */
  before: unknown;
  theirs: unknown;
  yours: unknown;
  /** A secret file's content: neither value is ever shown. */
  secret: boolean;
  /** The form holds another value than the one it was loaded with: saving would replace theirs. */
  changedByYou: boolean;
}

/**
 * The value at a change's path in a spec: `env.REGION`, `resources.cpu_limit`,
 * `config_files[app.ini].content`, `mounts[/mnt/data].read_only`; undefined where there is none.
 */
export function valueAt(spec: Spec, path: string): unknown {
  let value: unknown = spec;
  let list = "";
  for (const [, key, item] of path.matchAll(STEP)) {
    if (item !== undefined) {
      const field = KEYED_LISTS[list];
      value = Array.isArray(value) && field ? value.find((entry) => keyOf(entry, field) === item) : undefined;
    } else if (key !== undefined) {
      value = isRecord(value) ? value[key] : undefined;
      list = key;
    }
  }
  return value ?? undefined;
}

function keyOf(entry: unknown, field: string): unknown {
  return isRecord(entry) ? entry[field] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Equal as JSON, whatever the order of an object's keys. */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, item: unknown) =>
    isRecord(item) ? Object.fromEntries(Object.entries(item).sort(([x], [y]) => x.localeCompare(y))) : item,
  );
}

export function conflictRows(changes: readonly FieldChange[], yours: Spec): ConflictRow[] {
  return changes.map((change) => {
    const before: unknown = change.old ?? undefined;
    const secret = change.secret;
    const mine = secret ? undefined : valueAt(yours, change.path);
    return {
      path: change.path,
      before,
      theirs: change.new ?? undefined,
      yours: mine,
      secret,
      changedByYou: !secret && !sameValue(mine, before),
    };
  });
}

/** A value as text: strings as they are, anything else as JSON; null when not set. */
export function shownValue(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}
