/** The committed generated files, parsed. */
import { readFile } from 'node:fs/promises';
import { DASHBOARDS_DIR, RULES_DIR } from '../../src/generate.js';
import { repoPath } from './repo.js';

export const DASHBOARD_FILES = [
  'loopscope-fleet.json',
  'loopscope-instance.json',
  'loopscope-k6.json',
];
export const RULE_FILES = ['loopscope-recording.yml', 'loopscope-alerts.yml'];

export async function committedDashboards(): Promise<
  { file: string; json: Record<string, unknown> }[]
> {
  return Promise.all(
    DASHBOARD_FILES.map(async (file) => ({
      file,
      json: JSON.parse(await readFile(repoPath(DASHBOARDS_DIR, file), 'utf8')) as Record<
        string,
        unknown
      >,
    })),
  );
}

export async function committedRules(): Promise<{ file: string; text: string }[]> {
  return Promise.all(
    RULE_FILES.map(async (file) => ({
      file,
      text: await readFile(repoPath(RULES_DIR, file), 'utf8'),
    })),
  );
}
