/** `npx nx run docs:generate`: rewrites the generated docs (docs/api.md). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_DOC_PATH, apiDocMarkdown } from './api-doc';

const root = join(__dirname, '../../..');
writeFileSync(join(root, API_DOC_PATH), apiDocMarkdown());
process.stdout.write(`wrote ${API_DOC_PATH}\n`);
