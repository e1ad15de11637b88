/**
 * The workflow compiler: flyteidl `WorkflowTemplate`s and `TaskTemplate`s in, a
 * `CompiledWorkflowClosure` or a list of diagnostics out.
 */
export { compileWorkflow } from "./compile.ts";
export type { CompileInput, CompileResult } from "./compile.ts";
export { formatDiagnostics } from "./diagnostics.ts";
export type { Diagnostic, DiagnosticCode } from "./diagnostics.ts";
export { isCastable } from "./castable.ts";
export { identifierKey, START_NODE_ID, END_NODE_ID } from "./identifiers.ts";
export type { LaunchPlanInterface } from "./nodes/types.ts";
