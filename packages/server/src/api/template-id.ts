/**
 * A template carries its own id, which must be the id it is registered under.
 */
import { create } from "@bufbuild/protobuf";
import { IdentifierSchema, type Identifier, type ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { EntityKey } from "../registry/registry-store.ts";
import { idText, invalidArgument } from "./errors.ts";

/**
 * Sets `template.id` (of a copy the caller owns) to the registration id with its resource type.
 * A template without an id gets it; one naming a different project, domain, name or version is
 * refused, since it would be stored under one id and describe another.
 */
export function checkTemplateId(template: { id?: Identifier | undefined }, type: ResourceType, key: EntityKey, what: string): void {
  const id = template.id;
  if (id !== undefined && (id.project !== "" || id.name !== "")) {
    const same = id.project === key.project && id.domain === key.domain && id.name === key.name && id.version === key.version;
    if (!same) {
      throw invalidArgument(
        `the ${what} template's id '${idText(id)}' differs from the id it is registered under, '${idText(key)}'; send the same id in both places`,
      );
    }
  }
  template.id = create(IdentifierSchema, { ...key, resourceType: type, org: id?.org ?? "" });
}
