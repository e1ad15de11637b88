/**
 * What the registry handlers share: the store and a clock.
 */
import type { RegistryStore } from "../registry/registry-store.ts";

/** Dependencies of the registry handlers. */
export interface RegistryContext {
  readonly store: RegistryStore;
  /** Milliseconds since the epoch; replaceable in tests. */
  readonly now: () => number;
}
