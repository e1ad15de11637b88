// Lint: typescript-eslint with type information, promise-safety rules as errors.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // tmp/ holds throwaway projects (tests write multi-file projects there; git ignores it); .bench/ is
  // what the peers-bench side-by-side harness leaves in the checkout.
  { ignores: ["**/node_modules/**", "build/**", "packages/idl/src/gen/**", "**/*.js", "!eslint.config.js", "tmp/**", ".bench/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        // node:test's test()/describe() return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["test", "describe", "it", "suite", "before", "after", "beforeEach", "afterEach"] }],
          // Inside a workflow body a call returns a handle, typed `Invocation` (handle & Promise).
          allowForKnownSafePromises: [{ from: "file", name: "Invocation", path: "packages/flytekit/src/typing.ts" }],
        },
      ],
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/only-throw-error": "error",
    },
  },
  {
    files: ["**/*.test.ts", "tests/**/*.ts", "benchmarks/**/*.ts", "scripts/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
    },
  },
  { files: ["eslint.config.js"], ...tseslint.configs.disableTypeChecked },
);
