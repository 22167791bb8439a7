import { CATALOGUES } from "./catalogues";
import en from "./en.json";
import { Formats } from "./formats";
import fr from "./fr.json";
import { hostLanguage, hostTimeZone, pagesLanguage } from "./hostSettings";
import { translate } from "./translate";

describe("catalogues", () => {
  it("have the same keys in every language", () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });

  it("use only placeholders the English message has", () => {
    const names = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, message] of Object.entries(en)) {
      expect(names((fr as Record<string, string>)[key] ?? ""), key).toEqual(names(message));
    }
  });
});

describe("translate", () => {
  const catalogue = { ...CATALOGUES.en, "x.count_one": "{count} job", "x.count_other": "{count} jobs" };

  it("inserts values and picks the plural by the language's rules", () => {
    expect(translate(catalogue, "en", "x.count" as never, { count: 1 })).toBe("1 job");
    expect(translate(catalogue, "en", "x.count" as never, { count: 1200 })).toBe("1,200 jobs");
    expect(translate({ ...catalogue }, "fr", "x.count" as never, { count: 0 })).toBe("0 job");
  });

  it("leaves an unknown placeholder as written", () => {
    expect(translate({ ...catalogue, "common.none": "{nope}" }, "en", "common.none", {})).toBe("{nope}");
  });
});

describe("host settings", () => {
  afterEach(() => {
    localStorage.clear();
    document.documentElement.lang = "";
  });

  it("follow Airflow's stored language, then <html lang>", () => {
    localStorage.setItem("i18nextLng", "fr");
    expect(hostLanguage()).toBe("fr");
    localStorage.removeItem("i18nextLng");
    document.documentElement.lang = "fr-CA";
    expect(hostLanguage()).toBe("fr");
  });

  it("fall back to English for a language the pages lack", () => {
    localStorage.setItem("i18nextLng", "de");
    expect(hostLanguage()).toBe("en");
    expect(pagesLanguage("zh-TW")).toBeUndefined();
  });

  it("read Airflow's time zone as stored by usehooks-ts, ignoring a broken one", () => {
    localStorage.setItem("timezone", JSON.stringify("Asia/Tokyo"));
    expect(hostTimeZone()).toBe("Asia/Tokyo");
    localStorage.setItem("timezone", JSON.stringify("Mars/Olympus"));
    expect(hostTimeZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});

/** ICU spaces (narrow no-break, no-break) as plain ones: the words are what is under test. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("formats", () => {
  it("write dates in the chosen zone and language", () => {
    const french = new Formats("fr", "Europe/Paris", CATALOGUES.fr);
    expect(plain(french.dateTime("2026-12-04T08:05:00Z"))).toBe("4 déc. 2026, 09:05:00");
    const english = new Formats("en", "UTC", CATALOGUES.en);
    expect(plain(english.dateTime("2026-12-04T08:05:00Z"))).toBe("Dec 4, 2026, 8:05:00 AM");
    expect(english.dateTime(null)).toBe("—");
  });

  it("write a schedule's run times in the schedule's zone, not the user's", () => {
    const french = new Formats("fr", "Asia/Tokyo", CATALOGUES.fr);
    expect(plain(french.runTime("2026-12-07T02:00:00Z", "Europe/Berlin"))).toBe(
      "lun. 7 déc. 2026, 03:00 (Europe/Berlin)",
    );
    const english = new Formats("en", "UTC", CATALOGUES.en);
    expect(plain(english.runTime("2026-12-07T02:00:00Z", "Europe/Berlin"))).toBe(
      "Mon, Dec 7, 2026, 03:00 (Europe/Berlin)",
    );
  });

  it("write durations with their two largest units", () => {
    const english = new Formats("en", "UTC", CATALOGUES.en);
    expect(plain(english.duration(3725))).toBe("1 hr 2 min");
    expect(plain(english.duration(0.4))).toBe("0 sec");
    expect(plain(new Formats("fr", "UTC", CATALOGUES.fr).duration(65))).toBe("1 min 5 s");
    expect(Formats.secondsBetween("2026-01-01T00:00:00Z", "2026-01-01T00:01:30Z")).toBe(90);
  });

  it("write sizes with the language's decimal mark", () => {
    expect(plain(new Formats("fr", "UTC", CATALOGUES.fr).size(1536))).toBe("1,5 KiB");
    expect(new Formats("en", "UTC", CATALOGUES.en).size(512)).toBe("512 B");
  });
});
