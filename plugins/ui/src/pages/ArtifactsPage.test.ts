import { mergeComponents } from "./ArtifactsPage";

describe("components over several pages", () => {
  it("are one card each, marked when their versions came on two pages", () => {
    const merged = mergeComponents([
      { group: "g", name: "a", versions: ["1.1.0", "1.0.0"] },
      { group: "g", name: "b", versions: ["2.0.0"] },
      { group: "g", name: "a", versions: ["2.0.0-SNAPSHOT", "1.0.0"] },
    ]);
    expect(merged).toEqual([
      { group: "g", name: "a", versions: ["1.1.0", "1.0.0", "2.0.0-SNAPSHOT"], split: true },
      { group: "g", name: "b", versions: ["2.0.0"], split: false },
    ]);
  });
});
