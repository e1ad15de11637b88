/**
 * The seam for executions. The registry part of AdminService is served by this package's
 * handlers; everything about executions (create, observe, events, node and task executions) comes
 * from an {@link ExecutionService} the server is given. Until one is plugged in, those RPCs answer
 * UNIMPLEMENTED with a message saying so.
 */
import type { ConnectRouter, ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import type { Database } from "../db/database.ts";
import type { RegistryStore } from "../registry/registry-store.ts";
import { unimplemented } from "./errors.ts";
import type { AnyRequest, AnyResponse } from "./uploads.ts";

/** The AdminService RPCs that belong to executions. */
export const EXECUTION_METHODS = [
  "createExecution",
  "relaunchExecution",
  "recoverExecution",
  "getExecution",
  "updateExecution",
  "getExecutionData",
  "listExecutions",
  "terminateExecution",
  "getExecutionMetrics",
  "getNodeExecution",
  "getDynamicNodeWorkflow",
  "listNodeExecutions",
  "listNodeExecutionsForTask",
  "getNodeExecutionData",
  "getTaskExecution",
  "listTaskExecutions",
  "getTaskExecutionData",
  "createWorkflowEvent",
  "createNodeEvent",
  "createTaskEvent",
] as const;

/** Handlers of the execution RPCs of AdminService. */
export type ExecutionService = Pick<ServiceImpl<typeof AdminService>, (typeof EXECUTION_METHODS)[number]>;

/** What an execution service is built from when the server starts. */
export interface ExecutionServiceEnv {
  /** The server's database (shared; each part migrates its own namespace). */
  readonly db: Database;
  /** Registered tasks, workflows and launch plans. */
  readonly registry: RegistryStore;
  /** The server's data folder. */
  readonly dataDir: string;
  /** Whether commits and blob writes are fsynced. @default true */
  readonly fsync?: boolean;
  /** The largest request message the server reads (its other RPCs' limit). @default 64 MiB */
  readonly maxMessageBytes?: number;
}

/** Hooks an execution service may add to the server besides the AdminService handlers. */
export interface ExecutionServiceHooks {
  /** Registers more Connect/gRPC services on the server's router (WorkerService, SignalService). */
  routes?: (router: ConnectRouter) => void;
  /** Serves a plain HTTP path (e.g. `/logs/...`); returns false when the path is not its own. */
  http?: (req: AnyRequest, res: AnyResponse, pathname: string) => boolean;
  /** Runs once the server accepts connections (restart recovery, the scheduler). */
  start?: () => Promise<void> | void;
  /** Runs on shutdown, before the database closes. */
  close?: () => Promise<void> | void;
}

/** Builds the execution service when the server starts. */
export type ExecutionServiceFactory = (env: ExecutionServiceEnv) => ExecutionService & ExecutionServiceHooks;

/** An execution service whose every RPC is UNIMPLEMENTED, naming the RPC. */
export function unimplementedExecutions(): ExecutionService {
  const service: Record<string, () => never> = {};
  for (const method of EXECUTION_METHODS) {
    const rpc = method[0]!.toUpperCase() + method.slice(1);
    service[method] = () => {
      throw unimplemented(rpc, "executions are not served yet; tasks, workflows, launch plans and projects are");
    };
  }
  return service as unknown as ExecutionService;
}
