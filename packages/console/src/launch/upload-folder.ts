/**
 * Uploads a folder picked in the launch form (`<input webkitdirectory>`) for a directory input
 * (Flyte's FlyteDirectory, a multipart blob), as `flyte run --remote` does with a local folder:
 * every file goes through the data proxy to `<project>/<domain>/inputs/content/<folder's
 * hash>/<folder name>/<relative path>`, and the input is given the folder's URI.
 */
import { createContext } from "react";
import { dataProxy } from "../api/clients.ts";
import { folderHashOf } from "./folder-hash.ts";
import { contentId } from "./upload-file.ts";

/** Uploads the files of one picked folder and resolves to the folder's URI. */
export type UploadFolder = (files: readonly File[]) => Promise<string>;

/** The launch form's folder upload; undefined outside a form that can upload. */
export const FolderUploadContext = createContext<UploadFolder | undefined>(undefined);

/** A picked file's folder name and its path inside it, from `webkitRelativePath` (`folder/sub/a.txt`). */
function placeOf(file: File): { folder: string; rel: string } {
  const path = file.webkitRelativePath === "" ? file.name : file.webkitRelativePath;
  const cut = path.indexOf("/");
  return cut < 0 ? { folder: "folder", rel: path } : { folder: path.slice(0, cut), rel: path.slice(cut + 1) };
}

/** An {@link UploadFolder} into `project`/`domain`'s inputs. */
export function folderUploaderFor(project: string, domain: string): UploadFolder {
  return async (files) => {
    if (files.length === 0) throw new Error("the folder has no files: a directory input needs at least one (or give the URI of a folder)");
    const placed = files.map((file) => ({ file, ...placeOf(file) }));
    const folder = placed[0]!.folder;
    // Hashed one at a time: each hash reads its file in slices, so memory stays bounded.
    const entries: { rel: string; hex: string; file: File }[] = [];
    for (const p of placed) entries.push({ rel: p.rel, hex: await contentId(p.file), file: p.file });
    const root = `inputs/content/${folderHashOf(entries)}`;
    let folderUri = "";
    for (const e of entries) {
      const location = await dataProxy.createUploadLocation({ project, domain, filenameRoot: root, filename: `${folder}/${e.rel}` });
      const res = await fetch(location.signedUrl, { method: "PUT", body: e.file, headers: location.headers });
      if (!res.ok) throw new Error(`the server refused the upload of '${folder}/${e.rel}' (HTTP ${res.status}): ${(await res.text()).trim()}`);
      // The folder's URI is the file's, less its path inside the folder.
      folderUri = location.nativeUrl.split("/").slice(0, -e.rel.split("/").length).join("/");
    }
    return folderUri;
  };
}
