import type { Duration } from "@bufbuild/protobuf/wkt";

/**
 * A `google.protobuf.Duration` in milliseconds, rounded up so a tiny positive duration still
 * means "a timeout"; 0 for an absent or non-positive duration (flyteidl: 0 means "no timeout").
 */
export function durationToMillis(duration: Duration | undefined): number {
  if (duration === undefined) return 0;
  const ms = Number(duration.seconds) * 1000 + duration.nanos / 1e6;
  return ms > 0 ? Math.ceil(ms) : 0;
}
