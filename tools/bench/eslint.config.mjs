import baseConfig from "../../eslint.config.mjs";

// The benchmarks start QuestDB through the repo's launcher (a tool), as tests do: the module
// boundaries for tests apply to all of this project.
const testBoundaries = baseConfig.find((entry) => entry.files?.includes("**/*.spec.ts"));
if (!testBoundaries) throw new Error("eslint.config.mjs: no module-boundary rules for tests to reuse");

export default [
    ...baseConfig,
    { files: ["**/*.ts"], rules: testBoundaries.rules }
];
