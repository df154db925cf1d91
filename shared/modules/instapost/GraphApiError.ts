/**
 * A Graph API error answer (`{"error":{message,type,code,error_subcode,fbtrace_id,…}}`), with
 * what the call was. Carries no token: the client sends tokens in a header, never in the path,
 * and the message is Meta's plus the method and path.
 */
export class GraphApiError extends Error {
  /** HTTP status of the answer. */
  readonly status: number;
  readonly code: number;
  readonly subcode: number | undefined;
  /** e.g. 'OAuthException', 'GraphMethodException'. */
  readonly type: string | undefined;
  /** Meta's trace id, for a bug report to Meta. */
  readonly fbtraceId: string | undefined;
  readonly isTransient: boolean | undefined;
  /** Meta's text meant for the end user, when it sends one (English). */
  readonly userTitle: string | undefined;
  readonly userMessage: string | undefined;
  /** e.g. 'POST /17841400000000001/media_publish' (version omitted). */
  readonly call: string;

  constructor(call: string, status: number, error: {
    message?: string; type?: string; code?: number; error_subcode?: number; fbtrace_id?: string; is_transient?: boolean;
    error_user_title?: string; error_user_msg?: string;
  }) {
    const code = typeof error.code === 'number' ? error.code : 0;
    super(`${call} failed: (#${code}${error.error_subcode === undefined ? '' : `/${error.error_subcode}`}) ${error.message ?? `HTTP ${status}`}`);
    this.name = 'GraphApiError';
    this.call = call;
    this.status = status;
    this.code = code;
    this.subcode = typeof error.error_subcode === 'number' ? error.error_subcode : undefined;
    this.type = error.type;
    this.fbtraceId = error.fbtrace_id;
    this.isTransient = error.is_transient;
    this.userTitle = error.error_user_title;
    this.userMessage = error.error_user_msg;
  }
}

/**
 * A Graph call that got no usable answer: the deadline passed, the connection failed, or the body
 * was not Graph's JSON. Whether the call had an effect is unknown (`media_publish` may have
 * published): resolve it by reading state, never by repeating blindly.
 */
export class GraphTransportError extends Error {
  readonly kind: 'timeout' | 'network' | 'bad-response';
  readonly call: string;

  constructor(call: string, kind: GraphTransportError['kind'], cause?: unknown) {
    super(`${call}: ${kind === 'timeout' ? 'no answer before the deadline' : kind === 'network' ? 'network error' : 'unreadable answer'}`,
      cause === undefined ? undefined : { cause });
    this.name = 'GraphTransportError';
    this.kind = kind;
    this.call = call;
  }
}
