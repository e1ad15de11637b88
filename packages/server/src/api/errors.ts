/**
 * Status errors of the API. Every rejected request gets a gRPC status and a message that names
 * the entity and says what to do; nothing a client sends may crash the server.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { ResourceType, type Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";

/** INVALID_ARGUMENT with `message`. */
export function invalidArgument(message: string): ConnectError {
  return new ConnectError(message, Code.InvalidArgument);
}

/** NOT_FOUND with `message`. */
export function notFound(message: string): ConnectError {
  return new ConnectError(message, Code.NotFound);
}

/** ALREADY_EXISTS with `message`. */
export function alreadyExists(message: string): ConnectError {
  return new ConnectError(message, Code.AlreadyExists);
}

/** UNIMPLEMENTED for `rpc`, saying why. */
export function unimplemented(rpc: string, why: string): ConnectError {
  return new ConnectError(`${rpc} is not implemented by this server yet: ${why}`, Code.Unimplemented);
}

/** Human words for a resource type: `task`, `workflow`, `launch plan`. */
export function kindText(type: ResourceType): string {
  switch (type) {
    case ResourceType.TASK:
      return "task";
    case ResourceType.WORKFLOW:
      return "workflow";
    case ResourceType.LAUNCH_PLAN:
      return "launch plan";
    default:
      return ResourceType[type]?.toLowerCase() ?? `resource type ${String(type)}`;
  }
}

/** `project/domain/name@version`, the way ids appear in messages. */
export function idText(id: { project: string; domain: string; name: string; version?: string }): string {
  const base = `${id.project}/${id.domain}/${id.name}`;
  return id.version === undefined || id.version === "" ? base : `${base}@${id.version}`;
}

/** `task 'p/d/n@v'`. */
export function describeId(id: Identifier, fallback: ResourceType): string {
  const type = id.resourceType === ResourceType.UNSPECIFIED ? fallback : id.resourceType;
  return `${kindText(type)} '${idText(id)}'`;
}
