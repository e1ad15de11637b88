/**
 * The templates a compilation may reference, indexed by identifier key, and the record of which
 * ones were actually used (they make up the closure).
 */
import { equals } from "@bufbuild/protobuf";
import { ResourceType, type Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { TaskTemplateSchema, type TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { WorkflowTemplateSchema, type WorkflowTemplate } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { TypedInterfaceSchema } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import type { CompiledWorkflow } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import type { Scope } from "./diagnostics.ts";
import { referenceKey } from "./identifiers.ts";
import type { LaunchPlanInterface } from "./nodes/types.ts";

/** Compiles one workflow template; returns undefined when it has problems (already reported). */
export type TemplateCompiler = (template: WorkflowTemplate, scope: Scope) => CompiledWorkflow | undefined;

/** Indexed templates plus what the compilation used of them. */
export class Catalog {
  readonly #tasks = new Map<string, TaskTemplate>();
  readonly #subWorkflows = new Map<string, WorkflowTemplate>();
  readonly #launchPlans = new Map<string, LaunchPlanInterface>();
  /** Insertion order is first-use order, which keeps the closure deterministic. */
  readonly usedTasks = new Map<string, TaskTemplate>();
  readonly usedLaunchPlans = new Map<string, LaunchPlanInterface>();
  /** Sub-workflows by key: `null` while compiling or when compilation failed. */
  readonly compiledSubWorkflows = new Map<string, CompiledWorkflow | null>();
  readonly #inProgress = new Set<string>();
  #compile: TemplateCompiler | undefined;

  /** Indexes the templates; templates without an id or with a conflicting id are reported at `scope`. */
  constructor(
    input: {
      readonly tasks?: readonly TaskTemplate[] | undefined;
      readonly subWorkflows?: readonly WorkflowTemplate[] | undefined;
      readonly launchPlans?: readonly LaunchPlanInterface[] | undefined;
    },
    scope: Scope,
  ) {
    index(input.tasks ?? [], (t) => t.id, ResourceType.TASK, this.#tasks, scope.child("tasks"), "task", (a, b) =>
      equals(TaskTemplateSchema, a, b),
    );
    index(input.subWorkflows ?? [], (w) => w.id, ResourceType.WORKFLOW, this.#subWorkflows, scope.child("sub-workflows"), "sub-workflow", (a, b) =>
      equals(WorkflowTemplateSchema, a, b),
    );
    index(input.launchPlans ?? [], (lp) => lp.id, ResourceType.LAUNCH_PLAN, this.#launchPlans, scope.child("launch plans"), "launch plan", (a, b) =>
      equals(TypedInterfaceSchema, a.interface, b.interface),
    );
  }

  /** Sets the function used to compile sub-workflows (the workflow compiler, injected to avoid an import cycle). */
  setCompiler(compile: TemplateCompiler): void {
    this.#compile = compile;
  }

  /** The task a task node refers to, recorded as used. */
  task(id: Identifier): TaskTemplate | undefined {
    const key = referenceKey(id, ResourceType.TASK);
    const task = this.#tasks.get(key);
    if (task !== undefined && !this.usedTasks.has(key)) this.usedTasks.set(key, task);
    return task;
  }

  /** The sub-workflow template a workflow node refers to. */
  subWorkflow(id: Identifier): WorkflowTemplate | undefined {
    return this.#subWorkflows.get(referenceKey(id, ResourceType.WORKFLOW));
  }

  /** The launch plan a workflow node refers to, recorded as used. */
  launchPlan(id: Identifier): LaunchPlanInterface | undefined {
    const key = referenceKey(id, ResourceType.LAUNCH_PLAN);
    const lp = this.#launchPlans.get(key);
    if (lp !== undefined && !this.usedLaunchPlans.has(key)) this.usedLaunchPlans.set(key, lp);
    return lp;
  }

  /**
   * Compiles a referenced sub-workflow once, however many nodes use it, and records it for the
   * closure. A workflow that includes itself (directly or through other sub-workflows) is
   * reported as a cycle instead of recursing forever.
   */
  compileSubWorkflow(template: WorkflowTemplate, scope: Scope): void {
    // Sub-workflows are found by id, so they always have one.
    if (template.id === undefined) return;
    const key = referenceKey(template.id, ResourceType.WORKFLOW);
    if (this.#inProgress.has(key)) {
      scope.report("E_CYCLE_DETECTED", `workflow ${template.id.name} includes itself as a sub-workflow, directly or through other sub-workflows.`);
      return;
    }
    if (this.compiledSubWorkflows.has(key)) return;
    // Reserve the slot first so the closure lists sub-workflows in first-reference order.
    this.compiledSubWorkflows.set(key, null);
    this.#inProgress.add(key);
    try {
      this.compiledSubWorkflows.set(key, this.#compile?.(template, scope) ?? null);
    } finally {
      this.#inProgress.delete(key);
    }
  }

  /** Marks the primary workflow as being compiled, so a sub-workflow referring back to it is a cycle. */
  enterPrimary(template: WorkflowTemplate): void {
    if (template.id !== undefined) this.#inProgress.add(referenceKey(template.id, ResourceType.WORKFLOW));
  }
}

function index<T>(
  items: readonly T[],
  idOf: (item: T) => Identifier | undefined,
  kind: ResourceType,
  into: Map<string, T>,
  scope: Scope,
  noun: string,
  same: (a: T, b: T) => boolean,
): void {
  items.forEach((item, i) => {
    const id = idOf(item);
    if (id === undefined) {
      scope.child(`#${i}`).report("E_VALUE_REQUIRED", `${noun} #${i} has no id, so nothing can refer to it.`);
      return;
    }
    const key = referenceKey(id, kind);
    const existing = into.get(key);
    if (existing === undefined) {
      into.set(key, item);
    } else if (!same(existing, item)) {
      scope.child(key).report("E_DUPLICATE_ID", `two different ${noun} templates have the id ${key}.`);
    }
  });
}
