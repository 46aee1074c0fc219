/** Resolves when `work` settles or after `ms`, whichever is first; never rejects. */
export function settleWithin(
  work: Promise<unknown>,
  ms: number,
  keepAlive = false,
): Promise<'done' | 'timeout'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    // Only a flush on a fatal signal may hold the process open; everything else must not.
    if (!keepAlive) timer.unref();
    const finish = (): void => {
      clearTimeout(timer);
      resolve('done');
    };
    work.then(finish, finish);
  });
}
