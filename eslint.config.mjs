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
                        // The demo's simulated sources report through the reporter, like a user's code.
                        { sourceTag: "type:demo", onlyDependOnLibsWithTags: ["type:models", "type:data-access", "type:feature", "type:client"] },
                        { sourceTag: "type:data-access", onlyDependOnLibsWithTags: ["type:models"] },
                        { sourceTag: "type:feature", onlyDependOnLibsWithTags: ["type:models", "type:data-access"] },
                        { sourceTag: "type:tool", onlyDependOnLibsWithTags: ["type:models", "type:data-access", "type:feature", "type:client", "type:demo"] },
                        { sourceTag: "type:app", onlyDependOnLibsWithTags: ["type:models", "type:data-access", "type:feature", "type:demo"] },
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
                    // Tests are not part of a build: a buildable lib's tests may use non-buildable libs.
                    enforceBuildableLibDependency: false,
                    allow: ["^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$"],
                    depConstraints: [
                        { sourceTag: "type:models", onlyDependOnLibsWithTags: ["type:models"] },
                        { sourceTag: "type:client", onlyDependOnLibsWithTags: ["type:models", "type:data-access", "type:feature", "type:tool"] },
                        { sourceTag: "type:demo", onlyDependOnLibsWithTags: ["type:models", "type:data-access", "type:feature", "type:client", "type:tool"] },
                        { sourceTag: "type:data-access", onlyDependOnLibsWithTags: ["type:models", "type:tool"] },
                        { sourceTag: "type:feature", onlyDependOnLibsWithTags: ["type:models", "type:data-access", "type:tool"] },
                        { sourceTag: "type:tool", onlyDependOnLibsWithTags: ["type:models", "type:data-access", "type:feature", "type:tool", "type:client", "type:demo"] },
                        { sourceTag: "type:app", onlyDependOnLibsWithTags: ["type:models", "type:data-access", "type:feature", "type:tool", "type:demo"] }
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
