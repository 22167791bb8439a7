import { nameProblem } from "./naming";

describe("deployment names, checked as typed", () => {
  it.each(["customer-sync-2-0-1", "a", "job-1"])("accepts %s", (name) => {
    expect(nameProblem(name)).toBeNull();
  });

  it.each([
    ["", "a name is needed"],
    ["Customer", "lowercase letters only"],
    ["1job", "must start with a letter"],
    ["job-", "must end with a letter or digit"],
    ["job_sync", "only lowercase letters, digits and '-'"],
    ["a".repeat(41), "at most 40 characters (41 now)"],
  ])("refuses %j: %s", (name, problem) => {
    expect(nameProblem(name)).toBe(problem);
  });
});
