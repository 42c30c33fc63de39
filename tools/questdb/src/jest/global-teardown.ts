/** Jest `globalTeardown`: stops the QuestDB global-setup started and deletes its temp dir. */
import { hasIntegrationTests } from './integration-tests';
import { releaseTestQuestDb } from './shared-server';

export default async function globalTeardown(_global: unknown, project: { rootDir: string }): Promise<void> {
  if (await hasIntegrationTests(project.rootDir)) await releaseTestQuestDb();
}
