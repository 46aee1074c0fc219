import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir as removedAtExit } from '@loopscope/testkit';

/** loadtests/ (tests run from loadtests/dist/test/...). */
export const PACKAGE_DIR = fileURLToPath(new URL('../../../', import.meta.url));
export const REPO_DIR = join(PACKAGE_DIR, '..');
/** The real k6 outputs shared by every helper (see its README); beside the repository. */
export const SHARED_K6_FIXTURES = join(REPO_DIR, '..', 'shared', 'fixtures', 'k6');
/** Fixtures generated for this package (see test/fixtures/README.md). */
export const OWN_FIXTURES = join(PACKAGE_DIR, 'test', 'fixtures');
export const CLI = join(PACKAGE_DIR, 'dist', 'src', 'cli.js');
export const ARTIFACTS = join(REPO_DIR, 'test-artifacts', 'loadtests');

export const shared = (name: string) => join(SHARED_K6_FIXTURES, name);
export const own = (name: string) => join(OWN_FIXTURES, name);

/** A temp dir for one test's files, removed when the test file's process exits. */
export const tempDir = (prefix = 'loopscope-analyze-') => removedAtExit(prefix);
