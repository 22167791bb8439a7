import js from "@eslint/js";
import i18next from "eslint-plugin-i18next";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules", "src/api/schema.ts"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  jsxA11y.flatConfigs.recommended,
  {
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
    },
  },
  {
    // Every word a user reads comes from the catalogues (src/i18n): a literal in JSX text or in
    // an attribute a user reads or hears is an error, on every page, present and future.
    files: ["src/**/*.tsx", "src/**/*.ts"],
    ignores: ["src/**/*.test.ts", "src/**/*.test.tsx", "src/i18n/**"],
    plugins: { i18next },
    rules: {
      "i18next/no-literal-string": [
        "error",
        {
          mode: "jsx-only",
          "should-validate-template": true,
          "jsx-attributes": {
            include: [
              "aria-label",
              "aria-description",
              "aria-valuetext",
              "title",
              "placeholder",
              "alt",
              "label",
              // the pages' own components' props that are shown or read out
              "ariaLabel",
              "helper",
              "empty",
              "addLabel",
              "copiedLabel",
              "what",
            ],
          },
          // Messages' keys, and the form's paths of problems, are not words.
          callees: { exclude: ["t", "problemsAt", "at", "linesAt", "includes", "startsWith", "endsWith"] },
          // Punctuation, digits and symbols alone (" · ", "—", "↑") are not words.
          words: { exclude: [/^[\s\p{P}\p{S}\p{N}]*$/u] },
        },
      ],
    },
  },
  { files: ["eslint.config.js"], ...tseslint.configs.disableTypeChecked },
);
