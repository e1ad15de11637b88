/**
 * Compiles one workflow template: indexes its nodes, resolves each node's target, checks every
 * binding, detects cycles and, when all is well, produces the `CompiledWorkflow` with start and
 * end nodes, upstream ids and connections.
 */
import { clone, create } from "@bufbuild/protobuf";
import {
  NodeSchema,
  WorkflowTemplateSchema,
  type Node,
  type WorkflowTemplate,
} from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { BindingSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import {
  CompiledWorkflowSchema,
  ConnectionSetSchema,
  ConnectionSet_IdListSchema,
  type CompiledWorkflow,
  type ConnectionSet_IdList,
} from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import type { Diagnostic, Scope } from "./diagnostics.ts";
import { END_NODE_ID, START_NODE_ID, displayName } from "./identifiers.ts";
import { checkBindings } from "./bindings.ts";
import { buildConnections, compareIds, findCycles } from "./graph.ts";
import { compiledBindings, compiledNode } from "./compiled-node.ts";
import type { Catalog } from "./catalog.ts";
import { resolveNode } from "./nodes/registry.ts";
import type { NodeEnv, ResolvedNode, Variables } from "./nodes/types.ts";

interface Entry {
  readonly node: Node;
  readonly scope: Scope;
  resolved?: ResolvedNode;
}

const EMPTY: Variables = Object.freeze({});

/**
 * Compiles `template`, reporting problems into `diagnostics` (through `scope`). Returns the
 * compiled workflow only if this template added no diagnostics.
 */
export function compileTemplate(
  template: WorkflowTemplate,
  scope: Scope,
  catalog: Catalog,
  diagnostics: readonly Diagnostic[],
): CompiledWorkflow | undefined {
  const before = diagnostics.length;
  const name = displayName(template.id);
  const wfInputs = template.interface?.inputs?.variables ?? EMPTY;
  const wfOutputs = template.interface?.outputs?.variables ?? EMPTY;
  checkInterfaceTypes(wfInputs, "input", scope);
  checkInterfaceTypes(wfOutputs, "output", scope);

  if (template.nodes.length === 0) {
    scope.report("E_NO_NODES", `workflow ${name} has no nodes; a workflow must run at least one node.`);
  }

  const entries = new Map<string, Entry>();
  const order: string[] = [];
  template.nodes.forEach((node, position) => {
    if (node.id === "") {
      scope.child(`node #${position}`).report("E_VALUE_REQUIRED", `node #${position} of workflow ${name} has no id.`);
      return;
    }
    const at = scope.node(node.id);
    if (node.id === START_NODE_ID || node.id === END_NODE_ID) {
      at.report("E_RESERVED_ID", `'${node.id}' is reserved for the workflow's ${node.id === START_NODE_ID ? "inputs" : "outputs"}; give the node another id.`);
      return;
    }
    if (entries.has(node.id)) {
      at.report("E_DUPLICATE_ID", `workflow ${name} has more than one node with id '${node.id}' (again at position ${position}).`);
      return;
    }
    entries.set(node.id, { node, scope: at });
    order.push(node.id);
  });

  // Nodes inside branches, by compiled id: their own dependencies (Flyte keeps them off the branch
  // node). `hoisted` adds them to the enclosing top-level node, for cycle detection only.
  const innerDeps = new Map<string, Set<string>>();
  let enclosing: string | undefined;
  const hoisted = new Map<string, Set<string>>();

  // Outputs are computed on demand; `null` marks one being computed, to survive gate-to-gate loops.
  const outputsMemo = new Map<string, Variables | null>();
  const env: NodeEnv = {
    task: (id) => catalog.task(id),
    subWorkflow: (id) => catalog.subWorkflow(id),
    compileSubWorkflow: (sub, at) => catalog.compileSubWorkflow(sub, at),
    launchPlan: (id) => catalog.launchPlan(id),
    resolve: (node, at) => resolveNode(node, at, env),
    checkNode: (node, resolved, at, upstream) => {
      checkBindings(
        node.inputs,
        { owner: resolved.label, role: "input", params: resolved.inputs, check: resolved.inputCheck, optional: resolved.optionalInputs },
        at,
        env,
        upstream,
      );
      resolved.checkInner?.(at, upstream);
    },
    outputsOf: (nodeId) => {
      if (nodeId === START_NODE_ID) return wfInputs;
      const entry = entries.get(nodeId);
      if (entry === undefined) return undefined;
      const memo = outputsMemo.get(nodeId);
      if (memo !== undefined) return memo;
      outputsMemo.set(nodeId, null);
      const outputs = entry.resolved?.outputs() ?? null;
      outputsMemo.set(nodeId, outputs);
      return outputs;
    },
    labelOf: (nodeId) => entries.get(nodeId)?.resolved?.label ?? `node ${nodeId}`,
    recordInnerNode: (node, at, upstream) => {
      if (entries.has(node.id) || innerDeps.has(node.id)) {
        at.report("E_DUPLICATE_ID", `workflow ${name} has more than one node with id '${node.id}' (nodes inside a branch are named '<branch id>-<node id>').`);
        return;
      }
      const own = new Set(upstream);
      for (const up of node.upstreamNodeIds) {
        if (up === START_NODE_ID || entries.has(up)) own.add(up);
        else at.child(`upstream ${up}`).report("E_NODE_NOT_FOUND", `node '${node.id}' must run after node '${up}', which does not exist in workflow ${name}.`);
      }
      innerDeps.set(node.id, own);
      if (enclosing === undefined) return;
      const outer = hoisted.get(enclosing) ?? new Set<string>();
      for (const up of own) if (up !== enclosing) outer.add(up);
      hoisted.set(enclosing, outer);
    },
  };

  // Pass 1: what each node is. Pass 2 needs every node's outputs, so it waits for all of them.
  for (const entry of entries.values()) entry.resolved = resolveNode(entry.node, entry.scope, env);

  // Pass 2: bindings, inner nodes and explicit ordering edges.
  const deps = new Map<string, Set<string>>();
  for (const [id, entry] of entries) {
    const upstream = new Set<string>();
    enclosing = id;
    if (entry.resolved !== undefined) env.checkNode(entry.node, entry.resolved, entry.scope, upstream);
    enclosing = undefined;
    for (const up of entry.node.upstreamNodeIds) {
      if (up === START_NODE_ID || entries.has(up)) upstream.add(up);
      else entry.scope.child(`upstream ${up}`).report("E_NODE_NOT_FOUND", `node '${id}' must run after node '${up}', which does not exist in workflow ${name}.`);
    }
    deps.set(id, upstream);
  }

  if (template.failureNode !== undefined) {
    // The failure node runs only when the workflow fails; it is checked but is not part of the graph.
    const failure = template.failureNode;
    const at = scope.node(failure.id, `failure node ${failure.id}`);
    env.checkNode(failure, resolveNode(failure, at, env), at, new Set());
  }

  const endDeps = new Set<string>();
  checkBindings(template.outputs, { owner: `workflow ${name}`, role: "output", params: wfOutputs, check: "typed" }, scope, env, endDeps);

  const cycleDeps = new Map<string, ReadonlySet<string>>();
  for (const [id, set] of deps) cycleDeps.set(id, new Set([...set, ...(hoisted.get(id) ?? [])]));
  for (const cycle of findCycles(order, cycleDeps)) {
    const first = cycle[0] ?? "";
    scope.node(first).report("E_CYCLE_DETECTED", `nodes depend on each other in a cycle: ${cycle.join(" → ")}.`);
  }

  if (diagnostics.length > before) return undefined;
  return assemble(template, entries, order, deps, endDeps, innerDeps);
}

function checkInterfaceTypes(vars: Variables, role: "input" | "output", scope: Scope): void {
  for (const name of Object.keys(vars).sort()) {
    if (vars[name]?.type === undefined) {
      scope.child(`${role} ${name}`).report("E_VALUE_REQUIRED", `workflow ${role} '${name}' has no type.`);
    }
  }
}

/**
 * Builds the output: the template with start/end nodes, upstream ids and connections. The template
 * and its nodes are new objects; the messages inside nodes (targets, bindings, metadata) are shared
 * with the input, because deep-copying a large workflow costs more than the rest of compilation.
 */
function assemble(
  template: WorkflowTemplate,
  entries: ReadonlyMap<string, Entry>,
  order: readonly string[],
  deps: ReadonlyMap<string, ReadonlySet<string>>,
  endDeps: ReadonlySet<string>,
  innerDeps: ReadonlyMap<string, ReadonlySet<string>>,
): CompiledWorkflow {
  const userNodes: Node[] = [];
  for (const id of order) {
    const entry = entries.get(id);
    if (entry === undefined) continue;
    userNodes.push(compiledNode(entry.node, id, mergeUpstream(entry.node.upstreamNodeIds, deps.get(id))));
  }
  const outputs = compiledBindings(template.outputs);
  const start = create(NodeSchema, { id: START_NODE_ID });
  const end = create(NodeSchema, {
    id: END_NODE_ID,
    inputs: outputs.map((b) => clone(BindingSchema, b)),
    upstreamNodeIds: mergeUpstream([], endDeps),
  });
  const out = create(WorkflowTemplateSchema, {
    ...template,
    nodes: [start, end, ...userNodes],
    outputs,
    ...(template.failureNode === undefined ? {} : { failureNode: compiledNode(template.failureNode) }),
  });

  const { upstream, downstream } = buildConnections(order, deps, endDeps);
  // A node inside a branch that reads or follows other nodes has an upstream entry of its own
  // (and none downstream), as in Flyte; one with no dependency at all has none.
  for (const [id, ups] of innerDeps) if (ups.size > 0) upstream.set(id, [...ups].sort(compareIds));
  return create(CompiledWorkflowSchema, {
    template: out,
    connections: create(ConnectionSetSchema, { upstream: toIdLists(upstream), downstream: toIdLists(downstream) }),
  });
}

/**
 * Explicit ordering edges first, as given, then data dependencies in sorted order. The start node
 * is left out: every node implicitly comes after it (the connections still record the edge).
 */
function mergeUpstream(explicit: readonly string[], data: ReadonlySet<string> | undefined): string[] {
  const result = [...new Set(explicit)];
  const seen = new Set(result);
  const extra = [...(data ?? [])].filter((id) => id !== START_NODE_ID && !seen.has(id)).sort(compareIds);
  return result.concat(extra);
}

function toIdLists(m: ReadonlyMap<string, string[]>): Record<string, ConnectionSet_IdList> {
  const out: Record<string, ConnectionSet_IdList> = {};
  for (const [id, ids] of m) out[id] = create(ConnectionSet_IdListSchema, { ids });
  return out;
}
