import { CATALOGUES } from "../i18n/catalogues";
import { translate } from "../i18n/translate";
import type { Translate } from "../i18n";
import { nameProblem } from "./naming";

const english: Translate = (key, values) => translate(CATALOGUES.en, "en", key, values);
const french: Translate = (key, values) => translate(CATALOGUES.fr, "fr", key, values);

describe("deployment names, checked as typed", () => {
  it.each(["customer-sync-2-0-1", "a", "job-1"])("accepts %s", (name) => {
    expect(nameProblem(name, english)).toBeNull();
  });

  it.each([
    ["", "a name is needed"],
    ["Customer", "lowercase letters only"],
    ["1job", "must start with a letter"],
    ["job-", "must end with a letter or digit"],
    ["job_sync", "only lowercase letters, digits and '-'"],
    ["a".repeat(41), "at most 40 characters (41 now)"],
  ])("refuses %j: %s", (name, problem) => {
    expect(nameProblem(name, english)).toBe(problem);
  });

  it("says why in the user's language", () => {
    expect(nameProblem("Job", french)).toBe("lettres minuscules uniquement");
  });
});
