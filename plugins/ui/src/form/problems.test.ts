import { envProblemsOf, parseProblem, problemsAt, unclaimed } from "./problems";

describe("a 422's messages at their fields", () => {
  const problems = [
    "args[2]: Value must not contain NUL",
    "mounts[1].smb.mount_path: must be an absolute path",
    "name: must be a DNS-1123 label",
    "the spec is not valid",
    "env.HTTP_PROXY: is set by the proxy option",
  ].map(parseProblem);

  it("splits the field's path from the message", () => {
    expect(problems[1]).toEqual({ path: "mounts[1].smb.mount_path", message: "must be an absolute path" });
    expect(problems[3]).toEqual({ path: "", message: "the spec is not valid" });
  });

  it("gives each field the lines at or below its path", () => {
    expect(problemsAt(problems, "args[2]")).toEqual(["Value must not contain NUL"]);
    expect(problemsAt(problems, "args")).toEqual(["Value must not contain NUL"]);
    expect(problemsAt(problems, "mounts[1]")).toEqual(["must be an absolute path"]);
    expect(problemsAt(problems, "mounts[0]")).toEqual([]);
    expect(problemsAt(problems, "env")).toEqual(["is set by the proxy option"]);
  });

  it("keeps the lines no field claims, so none is lost", () => {
    expect(unclaimed(problems, ["args", "mounts", "name", "env"]).map((p) => p.message)).toEqual([
      "the spec is not valid",
    ]);
  });

  it("does not take a field for another that starts alike", () => {
    expect(problemsAt([parseProblem("args_extra: x")], "args")).toEqual([]);
  });
});

describe("an environment variable's problems", () => {
  it("are those at its key and those at env that quote its name", () => {
    const problems = [
      "env: environment variable name '1BAD' is not valid",
      "env.PATH: is set by the runner",
      "env: too many variables",
    ].map(parseProblem);
    expect(envProblemsOf(problems, "1BAD")).toEqual(["environment variable name '1BAD' is not valid"]);
    expect(envProblemsOf(problems, "PATH")).toEqual(["is set by the runner"]);
    expect(envProblemsOf(problems, "BAD")).toEqual([]);
  });
});
