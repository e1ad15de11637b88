/**
 * Projects and domains: RegisterProject, UpdateProject, GetProject, ListProjects, GetDomains, and
 * GetVersion. Domains are server configuration (development, staging, production), shared by
 * every project.
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { LabelsSchema } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import {
  DomainSchema,
  GetDomainsResponseSchema,
  Project_ProjectState,
  ProjectRegisterResponseSchema,
  ProjectSchema,
  ProjectsSchema,
  ProjectUpdateResponseSchema,
  type GetDomainsResponse,
  type Project,
  type ProjectGetRequest,
  type ProjectListRequest,
  type ProjectRegisterRequest,
  type ProjectRegisterResponse,
  type Projects,
  type ProjectUpdateResponse,
} from "@flyte/idl/gen/flyteidl/admin/project_pb.js";
import { GetVersionResponseSchema, VersionSchema, type GetVersionResponse } from "@flyte/idl/gen/flyteidl/admin/version_pb.js";
import type { ProjectRow } from "../registry/registry-store.ts";
import type { RegistryContext } from "./context.ts";
import { alreadyExists, invalidArgument, notFound } from "./errors.ts";
import { listQueryOf, nextToken, type ListSpec } from "./pagination.ts";

/** The server's version, reported by GetVersion. */
export const SERVER_VERSION = "0.1.0";

const PROJECT_ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const PROJECT_LIST: ListSpec = {
  fields: {
    id: { column: "id", kind: "text" },
    name: { column: "name", kind: "text" },
    state: { column: "state", kind: "integer" },
    created_at: { column: "created_at", kind: "timestamp" },
  },
  sortable: { id: "id", name: "name", created_at: "created_at" },
  defaultSort: "created_at",
};

/** Registers a new, ACTIVE project. */
export function registerProject(ctx: RegistryContext, req: ProjectRegisterRequest): ProjectRegisterResponse {
  const p = req.project;
  if (p === undefined) throw invalidArgument("missing project: RegisterProject needs a project with at least an id");
  checkProjectFields(p);
  if (p.domains.length > 0) {
    throw invalidArgument(`project '${p.id}': domains are set for the whole server, not per project; retry without domains`);
  }
  const created = ctx.store.insertProject({
    id: p.id,
    name: p.name === "" ? p.id : p.name,
    description: p.description,
    labels: p.labels === undefined ? null : toBinary(LabelsSchema, p.labels),
    state: Project_ProjectState.ACTIVE,
    createdAt: ctx.now(),
  });
  if (!created) throw alreadyExists(`project '${p.id}' already exists; update it with UpdateProject`);
  return create(ProjectRegisterResponseSchema);
}

/** Replaces a project's name (when given), description, labels and state. */
export function updateProject(ctx: RegistryContext, req: Project): ProjectUpdateResponse {
  if (req.id === "") throw invalidArgument("missing project id: UpdateProject needs the id of the project to change");
  checkProjectFields(req);
  const existing = ctx.store.getProject(req.id);
  if (existing === undefined) throw notFound(`project '${req.id}' does not exist; register it with RegisterProject`);
  if (Project_ProjectState[req.state] === undefined) throw invalidArgument(`unknown project state ${String(req.state)} for project '${req.id}'`);
  ctx.store.updateProject({
    id: req.id,
    name: req.name === "" ? existing.name : req.name,
    description: req.description,
    labels: req.labels === undefined ? null : toBinary(LabelsSchema, req.labels),
    state: req.state,
  });
  return create(ProjectUpdateResponseSchema);
}

/** One project, with the server's domains. */
export function getProject(ctx: RegistryContext, req: ProjectGetRequest): Project {
  if (req.id === "") throw invalidArgument("missing project id: GetProject needs an id");
  const row = ctx.store.getProject(req.id);
  if (row === undefined) throw notFound(`project '${req.id}' does not exist; list projects with ListProjects`);
  return projectOf(ctx, row, req.org);
}

/** A page of projects. Without filters, archived projects are left out, as FlyteAdmin does. */
export function listProjects(ctx: RegistryContext, req: ProjectListRequest): Projects {
  const extra = req.filters.trim() === "" ? [{ sql: "state <> ?", params: [Project_ProjectState.ARCHIVED] }] : [];
  const query = listQueryOf(req, PROJECT_LIST, extra);
  const rows = ctx.store.listProjects(query);
  return create(ProjectsSchema, { projects: rows.map((r) => projectOf(ctx, r, req.org)), token: nextToken(query, rows.length) });
}

/** The server's domains. */
export function getDomains(ctx: RegistryContext): GetDomainsResponse {
  return create(GetDomainsResponseSchema, { domains: ctx.store.listDomains().map((d) => create(DomainSchema, d)) });
}

/** The server's version. */
export function getVersion(): GetVersionResponse {
  return create(GetVersionResponseSchema, { controlPlaneVersion: create(VersionSchema, { Version: SERVER_VERSION, Build: "flyte-ts", BuildTime: "" }) });
}

function checkProjectFields(p: Project): void {
  if (p.id === "") throw invalidArgument("missing project id");
  if (p.id.length > 63 || !PROJECT_ID.test(p.id)) {
    throw invalidArgument(`invalid project id '${p.id}': use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`);
  }
  if (p.name.length > 64) throw invalidArgument(`project '${p.id}': the name is longer than 64 characters`);
  if (p.description.length > 300) throw invalidArgument(`project '${p.id}': the description is longer than 300 characters`);
}

function projectOf(ctx: RegistryContext, row: ProjectRow, org: string): Project {
  return create(ProjectSchema, {
    id: row.id,
    name: row.name,
    description: row.description,
    state: row.state,
    org,
    domains: ctx.store.listDomains().map((d) => create(DomainSchema, d)),
    ...(row.labels === null ? {} : { labels: fromBinary(LabelsSchema, row.labels) }),
  });
}
