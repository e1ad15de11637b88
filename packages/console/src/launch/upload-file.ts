/**
 * Uploads a file picked in the launch form into the server's store, as `flyte run --remote` does
 * with a local path: the data proxy hands out an upload location under
 * `<project>/<domain>/inputs/content/<sha256>/<name>` (by content, so the same bytes keep their URI
 * and their cache keys), the bytes are `PUT` there, and the input is given the location's URI.
 */
import { createContext } from "react";
import { dataProxy } from "../api/clients.ts";
import { sha256OfBlob } from "../lib/sha256.ts";
import type { HashAnswer } from "./hash.worker.ts";

/** Uploads one file and resolves to the URI an input literal refers to. */
export type UploadFile = (file: File) => Promise<string>;

/** The launch form's upload function; undefined outside a form that can upload. */
export const UploadContext = createContext<UploadFile | undefined>(undefined);

/**
 * The file's SHA-256 in hex, hashed a slice at a time in a Web Worker with our own SHA-256: Web
 * Crypto would need the whole file in memory, and a plain-HTTP page off localhost has none.
 */
export function contentId(file: File): Promise<string> {
  let worker: Worker;
  try {
    worker = new Worker(new URL("./hash.worker.ts", import.meta.url), { type: "module" });
  } catch {
    return sha256OfBlob(file); // no workers here: the same hash, on this thread
  }
  return new Promise<string>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<HashAnswer>) => {
      worker.terminate();
      if ("hex" in event.data) resolve(event.data.hex);
      else reject(new Error(`reading '${file.name}' to hash it: ${event.data.error}`));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(`hashing '${file.name}': ${event.message}`));
    };
    worker.postMessage(file);
  });
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
