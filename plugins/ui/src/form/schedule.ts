/** The schedule field: one-off, a preset or a cron expression, as the spec's one string. */

export type ScheduleMode = "one-off" | "preset" | "cron";
export const PRESETS = ["@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly"] as const;
export const ONE_OFF = "none";

export interface ScheduleChoice {
  mode: ScheduleMode;
  preset: string;
  cron: string;
}

export function scheduleValue(choice: ScheduleChoice): string {
  switch (choice.mode) {
    case "one-off":
      return ONE_OFF;
    case "preset":
      return choice.preset;
    case "cron":
      return choice.cron.trim().split(/\s+/).join(" ");
  }
}

/** A spec's schedule back into the form's choice (for a redeploy or a reload). */
export function scheduleChoice(value: string): ScheduleChoice {
  if (value === ONE_OFF || value === "") return { mode: "one-off", preset: "@daily", cron: "0 3 * * *" };
  if ((PRESETS as readonly string[]).includes(value))
    return { mode: "preset", preset: value, cron: "0 3 * * *" };
  return { mode: "cron", preset: "@daily", cron: value };
}
