/**
 * Uploads a file picked in the launch form into the server's store, as `flyte run --remote` does
 * with a local path: the data proxy hands out an upload location under
 * `<project>/<domain>/inputs/content/<sha256>/<name>` (by content, so the same bytes keep their URI
 * and their cache keys), the bytes are `PUT` there, and the input is given the location's URI.
 */
import { createContext } from "react";
import { dataProxy } from "../api/clients.ts";

/** Uploads one file and resolves to the URI an input literal refers to. */
export type UploadFile = (file: File) => Promise<string>;

/** The launch form's upload function; undefined outside a form that can upload. */
export const UploadContext = createContext<UploadFile | undefined>(undefined);

/** The file's SHA-256 in hex; a random id where the page has no Web Crypto (plain HTTP off localhost). */
async function contentId(file: File): Promise<string> {
  if (globalThis.crypto?.subtle !== undefined) {
    const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", await file.arrayBuffer()));
    return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** An {@link UploadFile} into `project`/`domain`'s inputs. */
export function uploaderFor(project: string, domain: string): UploadFile {
  return async (file) => {
    // Path segments the server refuses ("..", slashes) cannot come from a picked file's base name,
    // but an empty one can: name it.
    const filename = file.name === "" ? "file" : file.name;
    const location = await dataProxy.createUploadLocation({ project, domain, filenameRoot: `inputs/content/${await contentId(file)}`, filename });
    const res = await fetch(location.signedUrl, { method: "PUT", body: file, headers: location.headers });
    if (!res.ok) throw new Error(`the server refused the upload of '${file.name}' (HTTP ${res.status}): ${(await res.text()).trim()}`);
    return location.nativeUrl;
  };
}
