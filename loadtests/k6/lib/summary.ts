import { SUMMARY_PATH } from './config.ts';

/**
 * handleSummary for every script: the full summary data (legacy shape, or
 * the machine-readable one with --new-machine-readable-summary) as JSON for
 * `loopscope-analyze`, and a short line on stdout. k6 prints its own text
 * summary only when no handleSummary is exported.
 */
export function summaryWriter(script: string) {
  return (data: Record<string, unknown>): Record<string, string> => {
    const path = SUMMARY_PATH.replace('{script}', script);
    return {
      [path]: JSON.stringify(data, null, 2),
      stdout: `\n${script}: summary written to ${path}; analyse it with npm run analyze -- ${path}\n`,
    };
  };
}
