/**
 * Child processes running a fixture app with the agent loaded the zero-code
 * way (`--import @loopscope/agent/register`), exporting to a test receiver.
 * Uses the Node binary running the tests, so the Node matrix tests what it
 * claims.
 */
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startNode, type Child } from '@loopscope/testkit';

/** The agent package directory: `@loopscope/agent/register` resolves from here. */
export const AGENT_DIR = fileURLToPath(new URL('../../../', import.meta.url));

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

export interface AgentChildOptions {
  /** Receiver base URL; sets OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint?: string;
  env?: NodeJS.ProcessEnv;
  /** Node flags before the script. */
  nodeArgs?: readonly string[];
  /** Leave out `--import @loopscope/agent/register` (apps that start the agent themselves). */
  noRegister?: boolean;
}

export function startAgentChild(
  t: TestContext,
  script: string,
  opts: AgentChildOptions = {},
): Child {
  const child = startNode(
    [
      ...(opts.noRegister ? [] : ['--import', '@loopscope/agent/register']),
      ...(opts.nodeArgs ?? []),
      fixture(script),
    ],
    {
      cwd: AGENT_DIR,
      env: {
        OTEL_SERVICE_NAME: 'agent-e2e',
        ...(opts.endpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: opts.endpoint } : {}),
        ...opts.env,
      },
    },
  );
  t.after(() => child.stop('SIGKILL', 1000));
  return child;
}

/** JSON lines the fixture printed with `report()`. */
export function reports<T = Record<string, unknown>>(child: Child): T[] {
  return child
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as T);
}
