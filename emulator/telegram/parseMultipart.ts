/** One file part of a multipart/form-data body. */
export interface UploadedFile {
  /** The part's `filename`, as the client named the upload. */
  filename: string;
  bytes: Buffer;
}

/** Fields and files of a multipart/form-data body. */
export interface MultipartBody {
  fields: Record<string, string>;
  /** Keyed by part name; grammY names file parts with a random id and refers to them as `attach://<id>`. */
  files: Map<string, UploadedFile>;
}

/**
 * A minimal multipart/form-data parser, enough for the bodies Bot API clients send.
 *
 * grammY writes headers as `content-disposition:form-data;name="x";filename=y` (no spaces,
 * unquoted filename), curl and browsers write `Content-Disposition: form-data; name="x"`;
 * both forms are accepted. Parts without a name are ignored.
 */
export function parseMultipart(body: Buffer, boundary: string): MultipartBody {
  const fields: Record<string, string> = {};
  const files = new Map<string, UploadedFile>();
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const partStart = start + delimiter.length;
    // "--" right after a delimiter closes the body.
    if (body.subarray(partStart, partStart + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, partStart);
    if (next === -1) break;
    // Each part sits between "\r\n" after the delimiter and "\r\n" before the next one.
    const part = body.subarray(partStart + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const content = part.subarray(headerEnd + 4);
      const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? /name=([^;\r\n]*)/i.exec(headers)?.[1];
      const filename = /filename="([^"]*)"/i.exec(headers)?.[1] ?? /filename=([^;\r\n]*)/i.exec(headers)?.[1];
      if (name !== undefined) {
        if (filename !== undefined) files.set(name, { filename, bytes: Buffer.from(content) });
        else fields[name] = content.toString('utf8');
      }
    }
    start = next;
  }
  return { fields, files };
}
