import { SUMMARY_PATH } from './config.ts';
import { textSummary } from './text-summary.ts';

/**
 * Whether the folder of `path` exists, asked in the init context (the only
 * place k6 can look at the file system): `open()` on a folder fails with
 * "can't be used with directories", on a missing one with "no such file".
 * k6 resolves open()'s relative paths against the script, handleSummary's
 * against the working directory, so a relative path is checked under $PWD;
 * without PWD the answer is "unknown".
 */
function folderState(path: string): 'exists' | 'missing' | 'unknown' {
  const slash = path.lastIndexOf('/');
  if (slash < 0) return 'exists'; // the working directory
  const dir = path.slice(0, slash) || '/';
  const pwd = __ENV.PWD;
  if (!dir.startsWith('/') && (pwd === undefined || pwd === '')) return 'unknown';
  const abs = dir.startsWith('/') ? dir : `${pwd}/${dir}`;
  try {
    open(abs);
    return 'exists'; // a file by that name: k6 will report the write error itself
  } catch (err) {
    return /used with directories/i.test(String(err)) ? 'exists' : 'missing';
  }
}

/**
 * handleSummary for every script: a text summary on stdout (exporting
 * handleSummary turns k6's own off) and the full summary data as JSON for
 * `loopscope-analyze`, at SUMMARY_PATH when its folder exists, else next to
 * where k6 runs (k6 cannot create folders: it would print an error and exit
 * 0). The last stdout line states the path written.
 */
export function summaryWriter(script: string) {
  const wanted = SUMMARY_PATH.replace('{script}', script);
  const state = folderState(wanted);
  const path = state === 'missing' ? wanted.slice(wanted.lastIndexOf('/') + 1) : wanted;
  return (data: Record<string, unknown>): Record<string, string> => {
    let note = `summary JSON written to ${path}; analyse it with: npm run analyze -- ${path}`;
    if (state === 'missing')
      note = `WARNING: folder of ${wanted} does not exist (k6 cannot create it); ${note}`;
    else if (state === 'unknown')
      note = `summary JSON to ${path} (k6 prints an error above if it could not write it; PWD unset, folder not checked)`;
    return {
      [path]: JSON.stringify(data, null, 2),
      stdout: `${textSummary(data)}\n${script}: ${note}\n`,
    };
  };
}
