// Type-aware lint: an async host cannot afford a dropped promise, so the promise rules are errors.
import eslint from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    // Templates, the TypeScript examples and the JS test guests are guest code with their own toolchains.
    ignores: [
      "**/node_modules/",
      "**/target/",
      "**/build/",
      "**/dist/",
      "**/.spin/",
      "bench/results/",
      "templates/",
      "examples/*-ts/",
      "test/components/",
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          // node:test registers tests synchronously; the promises these return are the runner's to await.
          allowForKnownSafeCalls: [
            { from: "package", package: "node:test", name: ["test", "it", "describe", "suite"] },
          ],
        },
      ],
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      complexity: ["error", 12],
      "max-depth": ["error", 3],
      "max-params": ["error", 4],
    },
  },
  {
    // The dashboard's script runs in the browser.
    files: ["src/observe/dashboard/*.js"],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ["**/*.test.ts", "test/**"],
    rules: { complexity: "off", "max-params": "off", "max-depth": "off" },
  },
);
