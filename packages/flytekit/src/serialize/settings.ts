/**
 * Where serialized entities will live: project, domain and version of their identifiers.
 */
import { create } from "@bufbuild/protobuf";
import { IdentifierSchema, ResourceType, type Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";

/** Project, domain and version stamped into every identifier. */
export interface SerializationSettings {
  readonly project: string;
  readonly domain: string;
  readonly version: string;
}

/**
 * Placeholders that registration fills in, as `pyflyte serialize` writes them, so one set of
 * files can be registered into any project, domain and version.
 */
export const REGISTRATION_PLACEHOLDERS: SerializationSettings = {
  project: "{{ registration.project }}",
  domain: "{{ registration.domain }}",
  version: "{{ registration.version }}",
};

/** Settings of local runs. */
export const LOCAL_SETTINGS: SerializationSettings = { project: "local", domain: "development", version: "local" };

/** The identifier of an entity of `kind` named `name`. */
export function identifierOf(kind: "task" | "workflow" | "launchPlan", name: string, settings: SerializationSettings): Identifier {
  const resourceType =
    kind === "task" ? ResourceType.TASK : kind === "workflow" ? ResourceType.WORKFLOW : ResourceType.LAUNCH_PLAN;
  return create(IdentifierSchema, { resourceType, project: settings.project, domain: settings.domain, name, version: settings.version });
}
