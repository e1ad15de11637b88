export { durableExecutions, type DurableExecutionsOptions, type DurableExecutionsParts } from "./durable-executions.ts";
export { Orchestrator, DEFAULT_MAX_PARALLELISM, type OrchestratorOptions, type LaunchRequest } from "./orchestrator.ts";
export { generateExecutionName, checkExecutionName, MAX_NAME_LENGTH } from "./execution-names.ts";
export { mergeExecutionInputs } from "./execution-inputs.ts";
