import { randomBytes } from 'node:crypto';

/** The JSON body of a Graph API error, as graph.facebook.com sends it. */
export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    is_transient?: boolean;
    error_user_title?: string;
    error_user_msg?: string;
    fbtrace_id: string;
  };
}

/** Fields of a {@link GraphApiError}; all but `message` and `code` have defaults. */
export interface GraphApiErrorFields {
  message: string;
  code: number;
  subcode?: number;
  /** @default 'OAuthException' (what Meta sends for nearly every error, token or not) */
  type?: string;
  /** @default 400 */
  status?: number;
  isTransient?: boolean;
  userTitle?: string;
  userMessage?: string;
}

/**
 * An error the Graph emulator answers with: `{"error":{message,type,code,error_subcode,
 * is_transient,error_user_title,error_user_msg,fbtrace_id}}` and an HTTP status. Thrown by route
 * handlers and given to error injection (see `graphErrors.ts` for the ones Instagram sends).
 */
export class GraphApiError extends Error {
  readonly status: number;
  readonly code: number;
  readonly subcode: number | undefined;
  readonly type: string;
  readonly isTransient: boolean | undefined;
  readonly userTitle: string | undefined;
  readonly userMessage: string | undefined;

  constructor(fields: GraphApiErrorFields) {
    super(fields.message);
    this.name = 'GraphApiError';
    this.status = fields.status ?? 400;
    this.code = fields.code;
    this.subcode = fields.subcode;
    this.type = fields.type ?? 'OAuthException';
    this.isTransient = fields.isTransient;
    this.userTitle = fields.userTitle;
    this.userMessage = fields.userMessage;
  }

  /** The response body, with a fresh fbtrace_id (Meta's is an opaque 11-character token). */
  toBody(): GraphErrorBody {
    const error: GraphErrorBody['error'] = { message: this.message, type: this.type, code: this.code,
      fbtrace_id: randomBytes(8).toString('base64url').slice(0, 11) };
    if (this.subcode !== undefined) error.error_subcode = this.subcode;
    if (this.isTransient !== undefined) error.is_transient = this.isTransient;
    if (this.userTitle !== undefined) error.error_user_title = this.userTitle;
    if (this.userMessage !== undefined) error.error_user_msg = this.userMessage;
    return { error };
  }
}
