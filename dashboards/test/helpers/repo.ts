/** Paths of the repository and of the generated and deploy files the tests read. */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (tests run from dashboards/dist/test/...). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const repoPath = (...parts: string[]): string => join(REPO_ROOT, ...parts);
/** The compiled generator CLI. */
export const CLI = repoPath('dashboards/dist/src/cli.js');
