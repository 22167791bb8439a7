/**
 * One catalogue per language, as JSON so translators (and the browser tests that look for English
 * left on French pages) read them without TypeScript. English is the reference: its keys are the
 * message keys, and the French catalogue must have every one of them (checked by tsc here and by
 * the catalogue test for extra keys).
 */
import en from "./en.json";
import fr from "./fr.json";

export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;

export const LANGUAGES = ["en", "fr"] as const;
export type Language = (typeof LANGUAGES)[number];

const french: Catalogue = fr;

export const CATALOGUES: Record<Language, Catalogue> = { en, fr: french };
