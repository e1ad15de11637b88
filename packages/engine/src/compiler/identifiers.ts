/**
 * Identifier keys and the reserved node ids of a compiled workflow.
 */
import { ResourceType, type Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";

/** Id of the pseudo-node whose outputs are the workflow's inputs. */
export const START_NODE_ID = "start-node";

/** Id of the pseudo-node whose inputs are the workflow's output bindings. */
export const END_NODE_ID = "end-node";

/**
 * The key used to match a reference against the templates given to the compiler:
 * `RESOURCE_TYPE/project/domain/name/version`. `org` is not part of the key.
 *
 * @example
 * ```ts
 * identifierKey(create(IdentifierSchema, { resourceType: ResourceType.TASK, project: "p", domain: "d", name: "t", version: "v1" }));
 * // "TASK/p/d/t/v1"
 * ```
 */
export function identifierKey(id: Identifier): string {
  const kind = ResourceType[id.resourceType] ?? String(id.resourceType);
  return `${kind}/${id.project}/${id.domain}/${id.name}/${id.version}`;
}

/**
 * The key of `id` as if it had resource type `kind`. References are matched this way so that a
 * reference whose resource type was left unset still finds the template it names; the kind of
 * reference (task node, sub-workflow, launch plan) already says what is meant.
 */
export function referenceKey(id: Identifier, kind: ResourceType): string {
  return `${ResourceType[kind]}/${id.project}/${id.domain}/${id.name}/${id.version}`;
}

/** A short, readable name for a template in paths and messages. */
export function displayName(id: Identifier | undefined): string {
  if (id === undefined || id.name === "") return "<unnamed>";
  return id.name;
}

/**
 * The id a node inside a branch gets in the compiled workflow: `<branch id>-<node id>`, as Flyte's
 * compiler names it (`branchNodeIDFormatter`), so ids stay unique across branches and nesting
 * composes (`n1-n0-n0`). flytekit (Python) writes inner nodes with local ids (`n0`); our SDK
 * already writes them qualified (`n1-n0`), and an id that already carries the prefix is kept, so
 * compiling a compiled workflow again changes nothing.
 */
export function branchInnerNodeId(branchId: string, innerId: string): string {
  return innerId.startsWith(`${branchId}-`) ? innerId : `${branchId}-${innerId}`;
}
