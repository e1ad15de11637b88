export { Engine } from "./engine.ts";
export type { EngineOptions, ExecuteRequest } from "./engine.ts";
export type { ExecutionResult } from "./execution-result.ts";
export { resolveBinding, resolveBindings } from "./bindings.ts";
export type { OutputsLookup } from "./bindings.ts";
export { BindingResolutionError } from "./binding-resolution-error.ts";
export { engineErrorCodes } from "./execution-errors.ts";
export { END_NODE_ID, START_NODE_ID } from "./execution-graph.ts";
