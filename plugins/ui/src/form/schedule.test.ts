import { scheduleChoice, scheduleValue } from "./schedule";

describe("the schedule field", () => {
  it("makes the spec's schedule from the choice", () => {
    expect(scheduleValue({ mode: "one-off", preset: "@daily", cron: "0 3 * * *" })).toBe("none");
    expect(scheduleValue({ mode: "preset", preset: "@weekly", cron: "" })).toBe("@weekly");
    expect(scheduleValue({ mode: "cron", preset: "@daily", cron: "  30  4 * *   1-5 " })).toBe(
      "30 4 * * 1-5",
    );
  });

  it("reads a spec's schedule back", () => {
    expect(scheduleChoice("none").mode).toBe("one-off");
    expect(scheduleChoice("@hourly")).toMatchObject({ mode: "preset", preset: "@hourly" });
    expect(scheduleChoice("0 3 * * *")).toMatchObject({ mode: "cron", cron: "0 3 * * *" });
  });
});
