// Polls a condition that a server-side effect will make true: the one deadline loop of the tests.

/**
 * Resolves once `condition()` holds (it may be async), with the milliseconds that took; throws
 * after `timeoutMs`, naming `what` when given.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what = "condition",
): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what} not met in time (${timeoutMs} ms)`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - started;
}
