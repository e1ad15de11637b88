/**
 * The text of a `grpc-message` trailer. The gRPC spec percent-encodes only bytes outside printable ASCII (and '%') in grpc-message;
 * connect-es encodes like encodeURIComponent, which clients that decode per spec (grpc-js uses
 * decodeURI) show with '%2F', '%3B' and so on left in. Re-encode the message per spec.
 */
export function grpcMessageText(message: string): string {
  return Array.from(Buffer.from(message, "utf8"))
    .map((b) => (b >= 0x20 && b <= 0x7e && b !== 0x25 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`))
    .join("");
}
