/**
 * A task as a flyteidl `TaskTemplate`: id, interface, metadata and the container that runs it in
 * a worker.
 */
import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { KeyValuePairSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { Secret_MountType, SecretSchema, SecurityContextSchema } from "@flyte/idl/gen/flyteidl/core/security_pb.js";
import {
  ContainerSchema,
  Resources_ResourceName,
  ResourcesSchema,
  RuntimeMetadata_RuntimeType,
  TaskMetadataSchema,
  TaskTemplateSchema,
  type Resources_ResourceEntry,
  type TaskTemplate,
} from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { stableName } from "../naming.ts";
import type { Resources } from "../overrides.ts";
import { referenceArgs, referenceOf } from "../task-reference.ts";
import type { TaskDefinition } from "../task.ts";
import { typedInterfaceOf } from "./interface.ts";
import { identifierOf, type SerializationSettings } from "./settings.ts";

/** Task type of SDK tasks: run by Flyte's default container plugin. */
export const TASK_TYPE = "container";
/** Version of this SDK, recorded in task metadata. */
export const SDK_VERSION = "0.1.0";
/** The resolver a worker uses to find a task: by module path and export name. */
export const DEFAULT_RESOLVER = "flytekit.module-resolver";

/** `TaskTemplate.config` key of the task's isolation (only written for "fresh"; absent means "warm"). */
export const ISOLATION_CONFIG_KEY = "isolation";

/**
 * The container arguments that run one task attempt in a worker, with the placeholders the
 * backend fills in per attempt (`{{.input}}`, `{{.outputPrefix}}`, ...), then how to find the
 * task in the user's code.
 */
export function taskArgs(task: TaskDefinition): string[] {
  return [
    "flyte",
    "execute",
    "--inputs",
    "{{.input}}",
    "--output-prefix",
    "{{.outputPrefix}}",
    "--raw-output-data-prefix",
    "{{.rawOutputDataPrefix}}",
    "--checkpoint-path",
    "{{.checkpointOutputPrefix}}",
    "--prev-checkpoint",
    "{{.prevCheckpointPrefix}}",
    "--resolver",
    DEFAULT_RESOLVER,
    "--",
    ...referenceArgs(referenceOf(task)),
  ];
}

/**
 * Definitions derived from a task (map items, eager tasks) adjust the template of their base task
 * with a method under this key: `(template) => template`.
 */
export const ADJUST_TEMPLATE: unique symbol = Symbol.for("flytekit.adjust-task-template") as never;

/** Builds the task template of `task`. */
export function taskTemplateOf(task: TaskDefinition, settings: SerializationSettings): TaskTemplate {
  const o = task.options;
  const template = create(TaskTemplateSchema, {
    id: identifierOf("task", stableName(task), settings),
    type: TASK_TYPE,
    metadata: create(TaskMetadataSchema, {
      discoverable: o.cache.enabled,
      discoveryVersion: o.cache.version,
      cacheSerializable: o.cache.serialize,
      cacheIgnoreInputVars: [...o.cache.ignoredInputs],
      runtime: { type: RuntimeMetadata_RuntimeType.FLYTE_SDK, version: SDK_VERSION, flavor: "typescript" },
      ...(o.timeoutMs > 0 ? { timeout: durationFromMs(o.timeoutMs) } : {}),
      retries: { retries: o.retries },
      interruptibleValue: o.interruptible ? { case: "interruptible", value: true } : { case: undefined },
    }),
    interface: typedInterfaceOf(task.name, task.signature),
    target: {
      case: "container",
      value: create(ContainerSchema, {
        image: o.image,
        args: taskArgs(task),
        resources: create(ResourcesSchema, { requests: resourceEntries(o.requests), limits: resourceEntries(o.limits) }),
        env: Object.entries(o.env).map(([key, value]) => create(KeyValuePairSchema, { key, value })),
      }),
    },
    // Only non-defaults are written, so templates of tasks without them stay as they were.
    ...(o.isolation !== "warm" ? { config: { [ISOLATION_CONFIG_KEY]: o.isolation } } : {}),
    ...(o.secrets.length > 0
      ? { securityContext: create(SecurityContextSchema, { secrets: o.secrets.map((s) => create(SecretSchema, { group: s.group, key: s.key ?? "", mountRequirement: Secret_MountType.ANY })) }) }
      : {}),
  });
  const adjust = (task as { [ADJUST_TEMPLATE]?: (template: TaskTemplate) => TaskTemplate })[ADJUST_TEMPLATE];
  return adjust === undefined ? template : adjust.call(task, template);
}

/** `{ cpu: 1, mem: "1Gi" }` → flyteidl resource entries. */
export function resourceEntries(resources: Resources): Resources_ResourceEntry[] {
  const entries: Resources_ResourceEntry[] = [];
  const add = (name: Resources_ResourceName, value: string | number | undefined): void => {
    if (value !== undefined) entries.push({ $typeName: "flyteidl.core.Resources.ResourceEntry", name, value: String(value) });
  };
  add(Resources_ResourceName.CPU, resources.cpu);
  add(Resources_ResourceName.GPU, resources.gpu);
  add(Resources_ResourceName.MEMORY, resources.mem);
  return entries;
}
