// Type-checked lint for all TypeScript; generated code and build output are skipped.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import importX, { createNodeResolver } from "eslint-plugin-import-x";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "artifacts/",
      "cache/",
      "typechain-types/",
      "dist/",
      "client/dist/",
      ".veche/",
      "coverage/",
      "**/*.js",
      "**/*.mjs",
      "**/*.cjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "import-x": importX },
    // Resolves the project's own .ts files, so the import rules see every import (not only packages').
    settings: {
      "import-x/resolver-next": [
        createNodeResolver({ extensions: [".ts", ".mts", ".js", ".mjs", ".cjs", ".json", ".node"] }),
      ],
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "import-x/no-cycle": "error",
      "import-x/no-restricted-paths": [
        "error",
        {
          zones: [
            {
              target: "./contracts/protocol",
              from: ".",
              // Types generated from the contracts the protocol describes, and npm packages.
              except: ["./contracts/protocol", "./typechain-types", "./node_modules"],
              message: "The protocol module imports nothing of the project: everyone else imports it.",
            },
            {
              target: ["./client", "./scripts/cli"],
              from: "./api/src",
              message: "The client and the CLI speak to the API over HTTP; they never import its server code.",
            },
            {
              target: ["./api/src/*/service.ts", "./api/src/*/store.ts"],
              from: ["./api/src/http", "./node_modules/express"],
              message: "The API's domain code never depends on HTTP: routes translate between the two.",
            },
            {
              target: "./test/conformance",
              from: ["./contracts", "./api", "./client", "./node", "./scripts"],
              message:
                "The conformance test works from PROTOCOL.md, its vectors and viem alone, as an outside developer would.",
            },
            {
              target: "./client",
              from: "./contracts/protocol/node",
              message: "Native code (keccak, secp256k1 bindings, node:http) cannot run in the browser.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["test/**/*.ts"],
    rules: {
      // chai's `expect(x).to.be.true` reads as an unused expression.
      "@typescript-eslint/no-unused-expressions": "off",
    },
  },
);
