/**
 * The graph's nodes as the execution page shows them: the workflow's nodes with live phases, and,
 * for each expanded sub-workflow, branch or dynamic node, its recorded nested nodes with the edges
 * between them (from the nested workflow's connections), expandable in turn.
 *
 * Nested node ids extend their parent's (`n0-0-n1`: node n1 of the sub-workflow n0 ran;
 * `n1-n0`: branch n1's node n0), so a recorded node's parent is the longest other known id it
 * starts with followed by "-". Ids are taken to hold "-" only where Flyte's nesting puts it.
 */
import type { MapItemSummary } from "@flyte/idl/gen/flyte/watch/v1/watch_pb.js";
import type { NodeExecution } from "@flyte/idl/gen/flyteidl/admin/node_execution_pb.js";
import type { CompiledWorkflowClosure } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import type { Node as WorkflowNode } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { nodePhaseName } from "../lib/phases.ts";
import type { GraphNode } from "./graph-node.ts";
import { nodeLabelOf } from "./node-label.ts";

/** Live state the graph shows. */
export interface GraphLive {
  readonly nodes: ReadonlyMap<string, NodeExecution>;
  readonly maps: ReadonlyMap<string, MapItemSummary>;
}

const SPECIAL = new Set(["start-node", "end-node"]);

/** The kind a node's spec says it is. */
export function kindOf(n: WorkflowNode): string {
  return n.target.case === "arrayNode" ? "map" : n.target.case === "gateNode" ? "gate" : n.target.case === "branchNode" ? "branch" : n.target.case === "workflowNode" ? "subworkflow" : "task";
}

/** A (sub-)workflow's nodes and its edges, start and end left out. */
interface Template {
  readonly nodes: readonly WorkflowNode[];
  readonly edges: readonly (readonly [string, string])[];
}

/**
 * Templates already read, by compiled workflow. A workflow never changes once fetched, and the
 * page rebuilds its graph on every live update: reading a 5,000-node template's connections
 * again each time cost tens of milliseconds per update, and gave the graph new edge arrays.
 */
const templates = new WeakMap<object, Template>();

function templateOf(compiled: CompiledWorkflowClosure["primary"]): Template {
  if (compiled === undefined) return readTemplate(compiled);
  let found = templates.get(compiled);
  if (found === undefined) {
    found = readTemplate(compiled);
    templates.set(compiled, found);
  }
  return found;
}

function readTemplate(compiled: CompiledWorkflowClosure["primary"]): Template {
  const nodes = (compiled?.template?.nodes ?? []).filter((n) => !SPECIAL.has(n.id));
  const edges: [string, string][] = [];
  for (const [target, ids] of Object.entries(compiled?.connections?.upstream ?? {})) {
    if (SPECIAL.has(target)) continue;
    for (const source of ids.ids) if (!SPECIAL.has(source)) edges.push([source, target]);
  }
  return { nodes, edges };
}

/**
 * What a node runs nested, as a template: the workflow a dynamic node ran, a sub-workflow's nodes
 * and edges, a branch's alternatives.
 */
function innerTemplateOf(spec: WorkflowNode | undefined, closure: CompiledWorkflowClosure | undefined, dynamic: CompiledWorkflowClosure | undefined): Template | undefined {
  if (dynamic !== undefined) return templateOf(dynamic.primary);
  if (spec?.target.case === "workflowNode" && spec.target.value.reference.case === "subWorkflowRef") {
    const ref = spec.target.value.reference.value;
    const sub = closure?.subWorkflows.find((w) => w.template?.id?.name === ref.name && w.template.id.version === ref.version);
    return sub === undefined ? undefined : templateOf(sub);
  }
  if (spec?.target.case === "branchNode") {
    const block = spec.target.value.ifElse;
    const nodes = [block?.case?.thenNode, ...(block?.other ?? []).map((b) => b.thenNode), block?.default.case === "elseNode" ? block.default.value : undefined];
    return { nodes: nodes.filter((n) => n !== undefined), edges: [] };
  }
  return undefined;
}

/** Recorded nested nodes by parent id, in `sorted` order. */
function childrenByParent(topIds: ReadonlySet<string>, sorted: readonly NodeExecution[]): ReadonlyMap<string, NodeExecution[]> {
  const known = new Set(topIds);
  for (const n of sorted) known.add(n.id?.nodeId ?? "");
  const out = new Map<string, NodeExecution[]>();
  for (const n of sorted) {
    const id = n.id?.nodeId ?? "";
    if (topIds.has(id)) continue;
    for (let cut = id.lastIndexOf("-"); cut > 0; cut = id.lastIndexOf("-", cut - 1)) {
      const parent = id.slice(0, cut);
      if (!known.has(parent)) continue;
      const list = out.get(parent) ?? [];
      list.push(n);
      out.set(parent, list);
      break;
    }
  }
  return out;
}

/** A nested id's own part: `n0-0-n1` under `n0` is `n1`, `n1-n0` under `n1` is `n0`. */
function localPart(id: string, parent: string): string {
  return id.slice(parent.length + 1).replace(/^\d+-/, "");
}

/** The node of `template` a recorded child stands for (a branch's inner ids carry the branch's own id). */
function specIn(template: Template | undefined, local: string, parentLocal: string): WorkflowNode | undefined {
  return template?.nodes.find((n) => n.id === local || n.id === `${parentLocal}-${local}`);
}

/**
 * The graph's top-level nodes for `closure`'s primary workflow, with live phases; nodes in
 * `expanded` (any depth) hold their recorded nested nodes as children, with their edges (a
 * dynamic node's from the workflow it ran, in `dynamics` by node id, when known).
 */
export function graphNodesOf(
  closure: CompiledWorkflowClosure | undefined,
  live: GraphLive,
  sorted: readonly NodeExecution[],
  expanded: ReadonlySet<string>,
  dynamics: ReadonlyMap<string, CompiledWorkflowClosure> = new Map(),
): { nodes: GraphNode[]; edges: readonly (readonly [string, string])[] } {
  const top = templateOf(closure?.primary);
  const nested = childrenByParent(new Set(top.nodes.map((n) => n.id)), sorted);
  // `scope`: the closure whose sub-workflows the node's spec refers to (a dynamic workflow's own).
  const build = (id: string, local: string, spec: WorkflowNode | undefined, fallbackKind: string, scope: CompiledWorkflowClosure | undefined): GraphNode => {
    const inner = nested.get(id) ?? [];
    const node = { id, label: nodeLabelOf(spec, local), kind: spec === undefined ? fallbackKind : kindOf(spec), phase: nodePhaseName(live.nodes.get(id)?.closure?.phase ?? 0), map: live.maps.get(id), childCount: inner.length };
    if (!expanded.has(id) || inner.length === 0) return node;
    const dynamic = dynamics.get(id);
    const template = innerTemplateOf(spec, scope, dynamic);
    const innerScope = dynamic ?? scope;
    const localToId = new Map<string, string>();
    const children = inner.map((c) => {
      const cid = c.id?.nodeId ?? "";
      const cl = localPart(cid, id);
      const cspec = specIn(template, cl, local);
      localToId.set(cspec?.id ?? cl, cid);
      return build(cid, cl, cspec, c.metadata?.isParentNode === true ? "parent" : "task", innerScope);
    });
    const childEdges: (readonly [string, string])[] = [];
    for (const [s, t] of template?.edges ?? []) {
      const source = localToId.get(s);
      const target = localToId.get(t);
      if (source !== undefined && target !== undefined) childEdges.push([source, target]);
    }
    return { ...node, children, childEdges };
  };
  return { nodes: top.nodes.map((n) => build(n.id, n.id, n, "task", closure)), edges: top.edges };
}
