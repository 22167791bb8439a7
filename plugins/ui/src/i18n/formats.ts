/** How dates, durations and sizes read in one language and time zone. */
import type { Catalogue, Language } from "./catalogues";

const SIZE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

export class Formats {
  private readonly dateTimes: Intl.DateTimeFormat;
  private readonly numbers: Intl.NumberFormat;

  constructor(
    readonly language: Language,
    readonly timeZone: string,
    private readonly catalogue: Catalogue,
  ) {
    this.dateTimes = new Intl.DateTimeFormat(language, {
      dateStyle: "medium",
      timeStyle: "medium",
      timeZone,
    });
    this.numbers = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
  }

  /** An API timestamp in the user's time zone; "—" for none, the text itself if unreadable. */
  dateTime(iso: string | null | undefined): string {
    if (!iso) return this.catalogue["common.none"];
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : this.dateTimes.format(date);
  }

  /**
   * A schedule's run time in the schedule's own time zone (not the user's: a cron reads in its
   * zone), with the weekday, e.g. "Mon, Dec 7, 2026, 03:00 (Europe/Berlin)".
   */
  runTime(iso: string, scheduleZone: string): string {
    const text = new Intl.DateTimeFormat(this.language, {
      timeZone: scheduleZone,
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(new Date(iso));
    return `${text} (${scheduleZone})`;
  }

  /** "1 h 2 min 5 s" — whole seconds, the largest units first, at most two of them. */
  duration(seconds: number | null | undefined): string {
    if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0)
      return this.catalogue["common.none"];
    const whole = Math.round(seconds);
    const parts: [number, "day" | "hour" | "minute" | "second"][] = [
      [Math.floor(whole / 86_400), "day"],
      [Math.floor((whole % 86_400) / 3_600), "hour"],
      [Math.floor((whole % 3_600) / 60), "minute"],
      [whole % 60, "second"],
    ];
    const shown = parts.filter(([amount]) => amount > 0).slice(0, 2);
    const chosen = shown.length > 0 ? shown : [[0, "second"] as const];
    return chosen
      .map(([amount, unit]) =>
        new Intl.NumberFormat(this.language, { style: "unit", unit, unitDisplay: "short" }).format(amount),
      )
      .join(" ");
  }

  /** Seconds between two API timestamps, or null while either is missing. */
  static secondsBetween(start: string | null | undefined, end: string | null | undefined): number | null {
    if (!start || !end) return null;
    const seconds = (new Date(end).getTime() - new Date(start).getTime()) / 1000;
    return Number.isFinite(seconds) ? seconds : null;
  }

  /** Bytes in binary units, with the language's decimal mark. */
  size(bytes: number | null | undefined): string {
    if (bytes === null || bytes === undefined) return this.catalogue["common.none"];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
      value /= 1024;
      unit += 1;
    }
    return `${this.numbers.format(unit === 0 ? bytes : value)} ${SIZE_UNITS[unit] ?? ""}`;
  }
}
