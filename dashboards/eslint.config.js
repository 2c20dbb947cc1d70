// The board's linter: ESLint's recommended rules and typescript-eslint's, over the sources and their tests.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "grafana/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["build.mjs", "eslint.config.js", "vitest.config.ts"],
    languageOptions: { globals: { console: "readonly", process: "readonly" } },
  },
);
