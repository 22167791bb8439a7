/**
 * The language and time zone the user chose in Airflow's user menu, read where Airflow keeps them,
 * so the pages follow the host without an API of their own:
 * - language: i18next's `i18nextLng` in localStorage; on a change Airflow also sets `<html lang>`,
 *   which is observed, so switching language re-renders the pages at once;
 * - time zone: the UI's `timezone` entry in localStorage (JSON, written by usehooks-ts, which
 *   announces same-window writes with a `local-storage` event), else the browser's, as Airflow does.
 */
import { LANGUAGES, type Language } from "./catalogues";

const LANGUAGE_KEY = "i18nextLng";
const TIME_ZONE_KEY = "timezone";

function stored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage disabled by the browser's privacy settings
  }
}

/** "fr-CA" → "fr"; a language the pages lack → English. */
export function pagesLanguage(tag: string | null | undefined): Language | undefined {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.find((language) => language === base);
}

export function hostLanguage(): Language {
  const candidates = [stored(LANGUAGE_KEY), document.documentElement.lang, ...navigator.languages];
  for (const candidate of candidates) {
    if (!candidate) continue;
    // The first language the user has a say on decides, even one the pages lack (then English).
    return pagesLanguage(candidate) ?? "en";
  }
  return "en";
}

export function hostTimeZone(): string {
  const raw = stored(TIME_ZONE_KEY);
  if (raw) {
    try {
      const zone: unknown = JSON.parse(raw);
      if (typeof zone === "string" && isTimeZone(zone)) return zone;
    } catch {
      if (isTimeZone(raw)) return raw;
    }
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Calls `onChange` whenever either setting may have changed; returns the unsubscribe. */
export function subscribeToHostSettings(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
  window.addEventListener("storage", onChange);
  window.addEventListener("local-storage", onChange);
  return () => {
    observer.disconnect();
    window.removeEventListener("storage", onChange);
    window.removeEventListener("local-storage", onChange);
  };
}
