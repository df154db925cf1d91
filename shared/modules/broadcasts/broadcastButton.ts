import * as z from 'zod';

// A broadcast id as a button carries it: digits only, within what a JavaScript number holds
// exactly (ids are bigint identities, far below 2^53 in practice). Anything else is forged or
// stale: refused here, before it reaches a query, where "out of range for type bigint" would
// make the update fail and retry.
const BroadcastId = z.string().regex(/^[1-9]\d{0,15}$/).transform(Number).pipe(z.number().int().max(Number.MAX_SAFE_INTEGER));

/**
 * The callback data of the broadcast conversation's buttons, parsed once at the edge:
 * `bc:aud:<groups|users>:<id>`, `bc:go:<id>`, `bc:cancel:<id>`, `bc:stop:<id>`.
 */
export const BroadcastButton = z.string().max(64).transform((data) => data.split(':')).pipe(z.union([
  z.tuple([z.literal('bc'), z.literal('aud'), z.enum(['groups', 'users']), BroadcastId])
    .transform(([, action, audience, id]) => ({ action, audience, id })),
  z.tuple([z.literal('bc'), z.enum(['go', 'cancel', 'stop']), BroadcastId])
    .transform(([, action, id]) => ({ action, id })),
]));
export type BroadcastButton = z.output<typeof BroadcastButton>;
