/**
 * Jest `globalSetup`: gives the test run a QuestDB and puts its address in QUESTDB_URL,
 * QUESTDB_PG_PORT and QUESTDB_ILP_PORT. Uses QUESTDB_URL when already set (after checking it
 * answers); otherwise starts a fresh QuestDB on free ports in a temp dir for this jest process.
 * A project without `*.int.spec.ts` files gets none.
 *
 *   globalSetup: '<rootDir>/../../tools/questdb/src/jest/global-setup.ts',
 *   globalTeardown: '<rootDir>/../../tools/questdb/src/jest/global-teardown.ts',
 */
import { hasIntegrationTests } from './integration-tests';
import { acquireTestQuestDb } from './shared-server';

export default async function globalSetup(_global: unknown, project: { rootDir: string }): Promise<void> {
  if (await hasIntegrationTests(project.rootDir)) await acquireTestQuestDb();
}
