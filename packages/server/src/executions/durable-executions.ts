/**
 * The server's execution service: the orchestrator on the SQLite state store, the attempt queue
 * and the worker runner, with the signal store and the catalog, plus the WorkerService and
 * SignalService handlers, the `/logs/...` endpoint, restart recovery and the scheduler.
 * `startServer` uses it unless given another factory.
 */
import { join } from "node:path";
import type { ExecutionService, ExecutionServiceFactory, ExecutionServiceHooks } from "../api/execution-service.ts";
import { unimplemented } from "../api/errors.ts";
import { writeHead } from "../api/uploads.ts";
import { LocalBlobStore } from "../blob/local-blob-store.ts";
import { SqliteCatalog } from "../catalog/sqlite-catalog.ts";
import { parseLogUrlPath, LOGS_PREFIX } from "../dispatch/attempt-log.ts";
import { sessionDirectPath } from "../dispatch/session-direct.ts";
import { workerService } from "../dispatch/worker-service.ts";
import { WorkerTaskRunner } from "../dispatch/worker-task-runner.ts";
import { WorkerService } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { SignalService } from "@flyte/idl/gen/flyteidl/service/signal_pb.js";
import { AttemptQueue } from "../queue/attempt-queue.ts";
import { Scheduler } from "../scheduler/scheduler.ts";
import { signalService } from "../signals/signal-service.ts";
import { WatchService } from "@flyte/idl/gen/flyte/watch/v1/watch_pb.js";
import { watchService } from "../watch/watch-service.ts";
import { SignalStore } from "../signals/signal-store.ts";
import { SqliteStateStore } from "../store/sqlite-state-store.ts";
import { executionKey } from "../store/execution-key.ts";
import { ExecutionSpecs } from "./execution-records.ts";
import * as rpcs from "./execution-rpcs.ts";
import { listExecutions } from "./execution-list.ts";
import type { ExecutionsContext } from "./executions-context.ts";
import * as nodes from "./node-execution-rpcs.ts";
import { Orchestrator } from "./orchestrator.ts";
import { uploadsLiteralReader } from "../api/offloaded-literals.ts";
import { uploadsRoot } from "../api/uploads.ts";

/** Options of {@link durableExecutions}. */
export interface DurableExecutionsOptions {
  /** How often lapsed worker leases are expired, in ms. @default 1000 */
  readonly expiryCheckMs?: number;
  /** Retries per node for recoverable system failures (lease expiry). @default 3 */
  readonly systemRetries?: number;
  /** How often the scheduler looks for due schedules, in ms; 0 turns it off. @default 1000 */
  readonly schedulerTickMs?: number;
  /** The clock of the scheduler and the API (ms since the epoch). @default Date.now */
  readonly now?: () => number;
  /** Receives the running parts, for tests and embedding. */
  readonly onReady?: (parts: DurableExecutionsParts) => void;
}

/** The parts of a running durable execution service. */
export interface DurableExecutionsParts {
  readonly context: ExecutionsContext;
  readonly runner: WorkerTaskRunner;
  readonly signals: SignalStore;
  readonly catalog: SqliteCatalog;
  readonly scheduler: Scheduler;
}

/** The factory `startServer` uses by default. */
export function durableExecutions(options: DurableExecutionsOptions = {}): ExecutionServiceFactory {
  return (env) => {
    const now = options.now ?? Date.now;
    const blobs = new LocalBlobStore(join(env.dataDir, "blobs"), { fsync: env.fsync ?? true });
    const store = new SqliteStateStore(env.db, { blobs });
    const queue = new AttemptQueue(env.db);
    const specs = new ExecutionSpecs(env.db);
    const signals = new SignalStore(env.db, now);
    const catalog = new SqliteCatalog(env.db);
    const runner = new WorkerTaskRunner({ queue, ...(options.expiryCheckMs === undefined ? {} : { expiryCheckMs: options.expiryCheckMs }) });
    const orchestrator = new Orchestrator({
      store, queue, runner, specs, registry: env.registry, catalog, signals,
      offloadedLiterals: uploadsLiteralReader(uploadsRoot(env.dataDir)),
      ...(options.systemRetries === undefined ? {} : { systemRetries: options.systemRetries }),
    });
    const context: ExecutionsContext = { registry: env.registry, store, specs, orchestrator, queue, blobs, now };
    const scheduler = new Scheduler(env.db, context, { tickMs: options.schedulerTickMs ?? 1000, now });
    const closing = new AbortController();
    const workers = workerService({ queue, runner, closing: closing.signal });
    // Workers' sessions over HTTP/2 skip connect-es's pipeline (session-direct.ts); the router serves the rest.
    const sessions = sessionDirectPath({ queue, runner, closing: closing.signal }, { readMaxBytes: env.maxMessageBytes ?? 64 * 1024 * 1024 });
    options.onReady?.({ context, runner, signals, catalog, scheduler });

    const notServed = (rpc: string) => () => {
      throw unimplemented(rpc, "the server records events itself and does not take them from outside");
    };
    const handlers: ExecutionService = {
      createExecution: (req) => rpcs.createExecution(context, req),
      relaunchExecution: (req) => rpcs.relaunchExecution(context, req),
      recoverExecution: (req) => rpcs.recoverExecution(context, req),
      getExecution: (req) => rpcs.getExecution(context, req),
      listExecutions: (req) => listExecutions(context, req),
      terminateExecution: (req) => rpcs.terminateExecution(context, req),
      getExecutionData: (req) => rpcs.getExecutionData(context, req),
      updateExecution: () => {
        throw unimplemented("UpdateExecution", "archiving and tagging executions are not supported yet");
      },
      getExecutionMetrics: () => {
        throw unimplemented("GetExecutionMetrics", "execution spans are not recorded yet");
      },
      getNodeExecution: (req) => nodes.getNodeExecution(context, req),
      getDynamicNodeWorkflow: (req) => nodes.getDynamicNodeWorkflow(context, req),
      listNodeExecutions: (req) => nodes.listNodeExecutions(context, req),
      listNodeExecutionsForTask: (req) => nodes.listNodeExecutionsForTask(context, req),
      getNodeExecutionData: (req) => nodes.getNodeExecutionData(context, req),
      getTaskExecution: (req, handler) => nodes.getTaskExecution(context, req, handler),
      listTaskExecutions: (req, handler) => nodes.listTaskExecutions(context, req, handler),
      getTaskExecutionData: (req) => nodes.getTaskExecutionData(context, req),
      createWorkflowEvent: notServed("CreateWorkflowEvent"),
      createNodeEvent: notServed("CreateNodeEvent"),
      createTaskEvent: notServed("CreateTaskEvent"),
    };
    const hooks: ExecutionServiceHooks = {
      routes(router) {
        router.service(WorkerService, workers);
        router.service(SignalService, signalService(signals));
        // The console's live updates.
        router.service(WatchService, watchService(context, closing.signal));
      },
      http(req, res, pathname) {
        if (sessions(req, res, pathname)) return true;
        if (!pathname.startsWith(LOGS_PREFIX)) return false;
        const address = parseLogUrlPath(pathname);
        if (address === undefined || req.method !== "GET") {
          writeHead(res, 400, { "content-type": "text/plain" });
          res.end("use GET /logs/<project>/<domain>/<execution>/<node>/<attempt>\n");
          return true;
        }
        // Logs live in the attempt's queue row (streamed while it runs, whole once completed).
        queue.find(executionKey(address.execution), address.nodeId, address.attempt).then(
          (attempt) => {
            if (attempt?.log === undefined) {
              writeHead(res, 404, { "content-type": "text/plain" });
              res.end("no log for this attempt (nothing printed yet, or no such attempt)\n");
              return;
            }
            writeHead(res, 200, { "content-type": "text/plain; charset=utf-8" });
            res.end(attempt.log);
          },
          (error: unknown) => {
            console.error(`flyte: could not read the log at ${pathname}`, error);
            writeHead(res, 500, { "content-type": "text/plain" });
            res.end("internal error\n");
          },
        );
        return true;
      },
      start() {
        // Restart recovery first: resumed executions record their next transition at once.
        orchestrator.resumeAll();
        scheduler.start();
      },
      async close() {
        closing.abort();
        scheduler.stop();
        orchestrator.close();
        runner.close();
        await workers.settled();
        await store.flush().catch(() => undefined);
      },
    };
    return { ...handlers, ...hooks };
  };
}
