/**
 * @flyte/server: the single-process backend. `startServer` serves Flyte's AdminService
 * (registration of projects, tasks, workflows and launch plans) and DataProxyService over gRPC,
 * gRPC-web and Connect on one port, backed by SQLite.
 */
export { startServer, DEFAULT_PORT, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_UPLOAD_BYTES, type ServerOptions, type RunningServer } from "./server.ts";
export {
  EXECUTION_METHODS,
  unimplementedExecutions,
  type ExecutionService,
  type ExecutionServiceEnv,
  type ExecutionServiceFactory,
} from "./api/execution-service.ts";
export type { RegistryContext } from "./api/context.ts";
export { RegistryStore, type EntityKey, type EntityKind, type EntityRow } from "./registry/registry-store.ts";
export { openDatabase, type Database, type DatabaseOptions } from "./db/database.ts";
export { migrate, type Migration } from "./db/migrations.ts";
