/**
 * `@flyte/engine/testing`: the store conformance suite, for store implementations in other
 * packages (the server's SQLite store, later PostgreSQL). Imports `node:test`; never import it
 * from production code.
 */
export { storeConformance } from "./store-conformance.ts";
export type { StoreFactory } from "./store-conformance.ts";
