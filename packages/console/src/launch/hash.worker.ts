/**
 * Hashes a file picked in the launch form off the page's main thread: a gigabyte takes seconds of
 * CPU, and the form stays responsive meanwhile. The file is read a slice at a time (lib/sha256.ts).
 */
import { sha256OfBlob } from "../lib/sha256.ts";

/** The worker's answer: the file's SHA-256 in hex, or why it could not be read. */
export type HashAnswer = { readonly hex: string } | { readonly error: string };

self.onmessage = (event: MessageEvent<File>) => {
  sha256OfBlob(event.data).then(
    (hex) => self.postMessage({ hex } satisfies HashAnswer),
    (e: unknown) => self.postMessage({ error: e instanceof Error ? e.message : String(e) } satisfies HashAnswer),
  );
};
