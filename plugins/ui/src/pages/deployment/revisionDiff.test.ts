import { CATALOGUES } from "../../i18n/catalogues";
import { translate } from "../../i18n/translate";
import type { Translate } from "../../i18n";
import { changeLines } from "./revisionDiff";

const t: Translate = (key, values) => translate(CATALOGUES.en, "en", key, values);

describe("changeLines", () => {
  it("shows each changed field before and after, values as text", () => {
    expect(
      changeLines(
        [
          { path: "artifact.version", old: "1.0.0", new: "1.1.0", secret: false },
          { path: "args", old: ["--day", "1"], new: null, secret: false },
          { path: "env.REGION", old: null, new: "eu", secret: false },
          { path: "retries", old: 0, new: 2, secret: false },
        ],
        t,
      ),
    ).toEqual([
      { path: "artifact.version", before: "1.0.0", after: "1.1.0" },
      { path: "args", before: '["--day","1"]', after: "not set" },
      { path: "env.REGION", before: "not set", after: "eu" },
      { path: "retries", before: "0", after: "2" },
    ]);
  });

  it("never shows a secret file's content or a secret-named env value", () => {
    const lines = changeLines(
      [
        { path: "config_files[db.conf].content", old: null, new: null, secret: true },
        { path: "env.DB_PASSWORD", old: "hunter2", new: "hunter3", secret: false },
        { path: "env.API_TOKEN", old: null, new: "abc", secret: false },
      ],
      t,
    );
    expect(lines).toEqual([
      {
        path: "config_files[db.conf].content",
        before: "secret content changed",
        after: "secret content changed",
      },
      { path: "env.DB_PASSWORD", before: "***", after: "***" },
      { path: "env.API_TOKEN", before: "not set", after: "***" },
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/hunter|abc/);
  });
});
