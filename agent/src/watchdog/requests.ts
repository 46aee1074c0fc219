/**
 * Which HTTP requests a stall hit, without patching anything: Node's own
 * diagnostics_channel events of its HTTP server.
 *
 * - In flight: `http.server.request.start` counts a request in, its
 *   response's 'close' (emitted once, after 'finish' or when the client goes
 *   away) counts it out. No async context needed: these are the stall's
 *   victims, on every Node line.
 * - Request context (opt-in before Node 24): the start event runs
 *   synchronously just before the server emits 'request', so entering an
 *   AsyncLocalStorage store there makes the request visible to everything
 *   the handler runs, and to the capture function, which runs inside the
 *   blocked code. On Node 24+ AsyncLocalStorage rides AsyncContextFrame and
 *   costs little; before, it installs async_hooks (see agent/README.md for
 *   the measured cost).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';

const START = 'http.server.request.start';

export interface RequestContext {
  readonly method: string | undefined;
  /** The request target as received (query string and all); cut at capture. */
  readonly url: string | undefined;
}

export interface RequestTracker {
  /** Requests started and not yet closed. */
  inFlight(): number;
  /** The request the running code serves, when request context is on. */
  current(): RequestContext | undefined;
  stop(): void;
}

interface StartMessage {
  request: IncomingMessage;
  response: ServerResponse;
}

export function trackRequests(withContext: boolean): RequestTracker {
  let count = 0;
  const store = withContext ? new AsyncLocalStorage<RequestContext>() : undefined;
  const onStart = (message: unknown): void => {
    const { request, response } = message as StartMessage;
    count++;
    let open = true;
    response.once('close', () => {
      if (open) count--;
      open = false;
    });
    store?.enterWith({ method: request.method, url: request.url });
  };
  subscribe(START, onStart);
  return {
    inFlight: () => count,
    current: () => store?.getStore(),
    stop() {
      unsubscribe(START, onStart);
      store?.disable();
    },
  };
}

/** The path of a request target, without the query string or fragment. */
export function pathOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const end = url.search(/[?#]/);
  return end < 0 ? url : url.slice(0, end);
}
