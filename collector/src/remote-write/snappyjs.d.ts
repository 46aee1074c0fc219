// snappyjs ships no types; the one function the remote-write encoder uses.
declare module 'snappyjs' {
  export function compress<T extends Uint8Array>(input: T): T;
}
