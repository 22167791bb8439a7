/**
 * The pages' words and formats, in the user's Airflow language and time zone, re-rendered when
 * either changes in Airflow's user menu.
 */
import { useCallback, useMemo, useSyncExternalStore } from "react";

import { CATALOGUES, type Language, type MessageKey } from "./catalogues";
import { Formats } from "./formats";
import { hostLanguage, hostTimeZone, subscribeToHostSettings } from "./hostSettings";
import { translate, type MessageValues, type PluralKey } from "./translate";

export type Translate = (key: MessageKey | PluralKey, values?: MessageValues) => string;

const snapshot = () => `${hostLanguage()} ${hostTimeZone()}`;

function useHostSettings(): { language: Language; timeZone: string } {
  const settings = useSyncExternalStore(subscribeToHostSettings, snapshot);
  const [language, timeZone] = settings.split(" ") as [Language, string];
  return { language, timeZone };
}

/** `t("key", { name })` in the user's language. */
export function useT(): Translate {
  const { language } = useHostSettings();
  return useCallback<Translate>(
    (key, values) => translate(CATALOGUES[language], language, key, values),
    [language],
  );
}

/** Dates, durations and numbers in the user's locale, times in Airflow's chosen time zone. */
export function useFormats(): Formats {
  const { language, timeZone } = useHostSettings();
  return useMemo(() => new Formats(language, timeZone, CATALOGUES[language]), [language, timeZone]);
}

export function useLanguage(): Language {
  return useHostSettings().language;
}
