import nx from "@nx/eslint-plugin";

export default [
    ...nx.configs["flat/base"],
    ...nx.configs["flat/typescript"],
    ...nx.configs["flat/javascript"],
    {
        ignores: [
            "**/dist",
            "**/out-tsc"
        ]
    },
    {
        files: [
            "**/*.ts",
            "**/*.tsx",
            "**/*.js",
            "**/*.jsx"
        ],
        rules: {
            "@nx/enforce-module-boundaries": [
                "error",
                {
                    enforceBuildableLibDependency: true,
                    allow: [
                        "^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$"
                    ],
                    // The arrows point one way: models <- questdb-client <- collectors <- apps.
                    // The published reporter (type:client) depends on models only.
                    depConstraints: [
                        { sourceTag: "type:models", onlyDependOnLibsWithTags: ["type:models"] },
                        { sourceTag: "type:client", onlyDependOnLibsWithTags: ["type:models"] },
                        { sourceTag: "type:data-access", onlyDependOnLibsWithTags: ["type:models"] },
                        { sourceTag: "type:feature", onlyDependOnLibsWithTags: ["type:models", "type:data-access"] },
                        { sourceTag: "type:tool", onlyDependOnLibsWithTags: ["type:models", "type:data-access", "type:feature", "type:client"] },
                        { sourceTag: "type:app", onlyDependOnLibsWithTags: ["type:models", "type:data-access", "type:feature"] },
                        { sourceTag: "scope:shared", onlyDependOnLibsWithTags: ["scope:shared"] }
                    ]
                }
            ]
        }
    },
    {
        // Tests may also use the repo's tools (the QuestDB launcher for fault tests); product code may not.
        files: ["**/*.spec.ts", "**/*.fixture.ts", "**/testing/**/*.ts"],
        rules: {
            "@nx/enforce-module-boundaries": [
                "error",
                {
                    enforceBuildableLibDependency: true,
                    allow: ["^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$"],
                    depConstraints: [
                        { sourceTag: "type:models", onlyDependOnLibsWithTags: ["type:models"] },
                        { sourceTag: "type:client", onlyDependOnLibsWithTags: ["type:models", "type:data-access", "type:feature", "type:tool"] },
                        { sourceTag: "type:data-access", onlyDependOnLibsWithTags: ["type:models", "type:tool"] },
                        { sourceTag: "type:feature", onlyDependOnLibsWithTags: ["type:models", "type:data-access", "type:tool"] },
                        { sourceTag: "type:tool", onlyDependOnLibsWithTags: ["type:models", "type:data-access", "type:feature", "type:tool", "type:client"] },
                        { sourceTag: "type:app", onlyDependOnLibsWithTags: ["type:models", "type:data-access", "type:feature", "type:tool"] }
                    ]
                }
            ]
        }
    },
    {
        files: [
            "**/*.ts",
            "**/*.tsx",
            "**/*.cts",
            "**/*.mts",
            "**/*.js",
            "**/*.jsx",
            "**/*.cjs",
            "**/*.mjs"
        ],
        // Override or add rules here
        rules: {}
    }
];
