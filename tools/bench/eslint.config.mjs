import baseConfig from "../../eslint.config.mjs";

export default [
    ...baseConfig,
    {
        // The benchmarks start QuestDB through the repo's launcher (a tool), as tests do.
        files: ["**/*.ts"],
        rules: {
            "@nx/enforce-module-boundaries": [
                "error",
                {
                    enforceBuildableLibDependency: true,
                    allow: ["^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$"],
                    depConstraints: [
                        { sourceTag: "type:tool", onlyDependOnLibsWithTags: ["type:models", "type:data-access", "type:feature", "type:tool"] }
                    ]
                }
            ]
        }
    }
];
