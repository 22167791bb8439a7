export type { Language, MessageKey } from "./catalogues";
export { Formats } from "./formats";
export { useFormats, useLanguage, useT, type Translate } from "./useI18n";
