export { WorkerTaskRunner, bundleUrlOf, taskKeyOf, type WorkerTaskRunnerOptions } from "./worker-task-runner.ts";
export { workerService, type WorkerServiceEnv } from "./worker-service.ts";
export { WORKER_PROTOCOL } from "./worker-session.ts";
export { dispatchErrorCodes, failureOf, outcomeOf } from "./attempt-outcome.ts";
export { LOGS_PREFIX, attemptLogPath, attemptLogUrlPath, logBlobPathOf, parseLogUrlPath, type LogAddress } from "./attempt-log.ts";
