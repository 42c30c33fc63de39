/** Jest `globalTeardown`: stops the QuestDB global-setup started and deletes its temp dir. */
import { releaseTestQuestDb } from './shared-server';

export default async function globalTeardown(): Promise<void> {
  await releaseTestQuestDb();
}
