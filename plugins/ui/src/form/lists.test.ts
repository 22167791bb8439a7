import { move, removeAt, replaceAt, toggle } from "./lists";

describe("list editors", () => {
  const args = ["--day", "1", "--dry-run"];

  it("replaces, removes and moves without changing the original", () => {
    expect(replaceAt(args, 1, "2")).toEqual(["--day", "2", "--dry-run"]);
    expect(removeAt(args, 0)).toEqual(["1", "--dry-run"]);
    expect(move(args, 2, -1)).toEqual(["--day", "--dry-run", "1"]);
    expect(move(args, 0, 1)).toEqual(["1", "--day", "--dry-run"]);
    expect(args).toEqual(["--day", "1", "--dry-run"]);
  });

  it("does not move past either end", () => {
    expect(move(args, 0, -1)).toEqual(args);
    expect(move(args, 2, 1)).toEqual(args);
  });

  it("toggles an asset in or out, keeping the chosen order", () => {
    expect(toggle(["b.sh", "a.sh"], "c.sh")).toEqual(["b.sh", "a.sh", "c.sh"]);
    expect(toggle(["b.sh", "a.sh", "c.sh"], "a.sh")).toEqual(["b.sh", "c.sh"]);
  });
});
