/** Time source, injected so tests can move time without sleeping. */
export interface Clock {
  /** Milliseconds since the Unix epoch, with sub-millisecond precision where the platform has it. */
  now(): number;
}

/** `performance.now()` anchored to the epoch: monotonic within a process, comparable with `Date.now()`. */
export const systemClock: Clock = Object.freeze({
  now: () => performance.timeOrigin + performance.now(),
});
