/**
 * The compiler's entry point: from workflow and task templates to a `CompiledWorkflowClosure`, or
 * to every problem found.
 */
import { clone, create } from "@bufbuild/protobuf";
import type { WorkflowTemplate } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { LaunchPlanTemplateSchema } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { IdentifierSchema } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { TypedInterfaceSchema } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { TaskTemplateSchema, type TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import {
  CompiledLaunchPlanSchema,
  CompiledTaskSchema,
  CompiledWorkflowClosureSchema,
  type CompiledWorkflow,
  type CompiledWorkflowClosure,
} from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { Scope, type Diagnostic } from "./diagnostics.ts";
import { displayName } from "./identifiers.ts";
import { Catalog } from "./catalog.ts";
import { compileTemplate } from "./workflow-compiler.ts";
import type { LaunchPlanInterface } from "./nodes/types.ts";

/** What the compiler is given: the workflow to compile and everything it may refer to. */
export interface CompileInput {
  /** The workflow to compile. */
  readonly primary: WorkflowTemplate;
  /** Templates that `WorkflowNode.subWorkflowRef`s (at any depth) refer to. */
  readonly subWorkflows?: readonly WorkflowTemplate[];
  /** Templates that `TaskNode.referenceId`s (at any depth) refer to. */
  readonly tasks: readonly TaskTemplate[];
  /** Interfaces of the launch plans that `WorkflowNode.launchplanRef`s refer to. */
  readonly launchPlans?: readonly LaunchPlanInterface[];
}

/**
 * The outcome of a compilation. On success `diagnostics` is empty today; it is where warnings
 * would go.
 */
export type CompileResult =
  | { ok: true; closure: CompiledWorkflowClosure; diagnostics: readonly Diagnostic[] }
  | { ok: false; diagnostics: readonly Diagnostic[] };

/**
 * Validates a workflow and everything it uses and produces its compiled closure. All problems are
 * collected (the compiler never stops at the first) and returned as diagnostics; the function
 * never throws on bad input. Inputs are not modified and the closure shares no objects with them.
 *
 * @example
 * ```ts
 * const result = compileWorkflow({ primary: wf, tasks: [addTask] });
 * if (result.ok) store(result.closure);
 * else console.error(formatDiagnostics(result.diagnostics));
 * ```
 */
export function compileWorkflow(input: CompileInput): CompileResult {
  const diagnostics: Diagnostic[] = [];
  try {
    return run(input, diagnostics);
  } catch (error) {
    // Only a compiler bug gets here; report it as data like everything else.
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    diagnostics.push({ code: "E_INTERNAL", path: "compiler", message: `the compiler failed unexpectedly: ${message}` });
    return { ok: false, diagnostics };
  }
}

function run(input: CompileInput, diagnostics: Diagnostic[]): CompileResult {
  // Callers outside TypeScript can pass anything; check the shape before trusting it.
  const primary = (input as Partial<CompileInput> | undefined)?.primary;
  if (primary === undefined) {
    diagnostics.push({ code: "E_VALUE_REQUIRED", path: "input", message: "there is no primary workflow to compile." });
    return { ok: false, diagnostics };
  }
  const root = new Scope(diagnostics, "input");
  const catalog = new Catalog(input, root);
  catalog.setCompiler((template, scope) => compileTemplate(template, scope, catalog, diagnostics));
  catalog.enterPrimary(primary);

  const scope = new Scope(diagnostics, `workflow ${displayName(primary.id)}`);
  const compiled = compileTemplate(primary, scope, catalog, diagnostics);
  if (compiled === undefined || diagnostics.length > 0) return { ok: false, diagnostics };

  const subWorkflows = [...catalog.compiledSubWorkflows.values()].filter((w): w is CompiledWorkflow => w !== null);
  const closure = create(CompiledWorkflowClosureSchema, {
    primary: compiled,
    subWorkflows,
    tasks: [...catalog.usedTasks.values()].map((t) => create(CompiledTaskSchema, { template: clone(TaskTemplateSchema, t) })),
    launchPlans: [...catalog.usedLaunchPlans.values()].map((lp) =>
      create(CompiledLaunchPlanSchema, {
        template: create(LaunchPlanTemplateSchema, {
          id: clone(IdentifierSchema, lp.id),
          interface: clone(TypedInterfaceSchema, lp.interface),
        }),
      }),
    ),
  });
  return { ok: true, closure, diagnostics };
}
