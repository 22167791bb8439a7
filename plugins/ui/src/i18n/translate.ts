/**
 * Messages with placeholders: `{name}` is replaced by a value, and a key with `_one`/`_other`
 * (`_zero`, `_two`, `_few`, `_many`) variants is chosen by the language's plural rules for `count`.
 * Values are inserted as text by React, never as markup.
 */
import type { Catalogue, Language, MessageKey } from "./catalogues";

export type MessageValues = Record<string, string | number>;

const PLACEHOLDER = /\{(\w+)\}/g;

/** The key itself, or its plural variant for `values.count` when the catalogue has one. */
function variantOf(catalogue: Catalogue, key: string, language: Language, values?: MessageValues): string {
  const count = values?.count;
  if (typeof count !== "number") return key;
  const variant = `${key}_${new Intl.PluralRules(language).select(count)}`;
  if (variant in catalogue) return variant;
  return `${key}_other` in catalogue ? `${key}_other` : key;
}

export function translate(
  catalogue: Catalogue,
  language: Language,
  key: MessageKey | PluralKey,
  values?: MessageValues,
): string {
  const chosen = variantOf(catalogue, key, language, values);
  const message = (catalogue as Record<string, string | undefined>)[chosen] ?? chosen;
  if (!values) return message;
  const numbers = new Intl.NumberFormat(language);
  return message.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? numbers.format(value) : value;
  });
}

/** `foo` for catalogue keys `foo_one`, `foo_other`…: the key a plural message is asked for by. */
export type PluralKey = MessageKey extends infer K ? (K extends `${infer Base}_other` ? Base : never) : never;
