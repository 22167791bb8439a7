// @vitest-environment node
/**
 * The lint guard (eslint.config.js) against words written outside the catalogues: it must
 * fail on a literal in any page folder, the ones other pages are written in included.
 */
import { ESLint } from "eslint";

const PROBE = `export function Probe() {
  return (
    <section aria-label="Runs">
      Deployments
      <input placeholder="name" title={\`Row \${1}\`} />
    </section>
  );
}
`;

async function literalsFound(filePath: string): Promise<number> {
  // The probe is no file of the project, so it is parsed without types, for this one rule.
  const eslint = new ESLint({
    cwd: `${__dirname}/../..`,
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    ruleFilter: ({ ruleId }) => ruleId === "i18next/no-literal-string",
  });
  const [result] = await eslint.lintText(PROBE, { filePath });
  expect(result?.fatalErrorCount).toBe(0);
  return (result?.messages ?? []).filter((message) => message.ruleId === "i18next/no-literal-string").length;
}

describe("the guard against untranslated words", () => {
  it.each(["src/pages/deployments/Probe.tsx", "src/pages/deployment/Probe.tsx", "src/deployments/Probe.tsx"])(
    "finds every literal a user reads or hears in %s",
    async (filePath) => {
      expect(await literalsFound(filePath)).toBe(4);
    },
    60_000,
  );

  it("leaves the catalogues' own folder and the tests alone", async () => {
    expect(await literalsFound("src/i18n/Probe.tsx")).toBe(0);
    expect(await literalsFound("src/pages/Probe.test.tsx")).toBe(0);
  }, 60_000);
});
