import * as z from 'zod';

// A user id as a button carries it: digits within what a JavaScript number holds exactly.
// Anything else is forged or stale, refused before it reaches a query.
const UserId = z.string().regex(/^[1-9]\d{0,15}$/).transform(Number).pipe(z.number().int().max(Number.MAX_SAFE_INTEGER));

/** Buttons about one user: view, ban (ask, confirm), unban, F&F grant and removal (ask, confirm). */
const USER_ACTIONS = ['user', 'ban', 'banok', 'unban', 'ffgrant', 'ffrm', 'ffrmok'] as const;
/** Buttons about no one: the F&F list, its export, "grant another", close. */
const PLAIN_ACTIONS = ['fflist', 'ffcsv', 'ffadd', 'close'] as const;

/**
 * The callback data of the admin commands' buttons, parsed once at the edge:
 * `adm:<user action>:<user id>` or `adm:<plain action>`.
 */
export const AdminButton = z.string().max(64).transform((data) => data.split(':')).pipe(z.union([
  z.tuple([z.literal('adm'), z.enum(USER_ACTIONS), UserId]).transform(([, action, userId]) => ({ action, userId })),
  z.tuple([z.literal('adm'), z.enum(PLAIN_ACTIONS)]).transform(([, action]) => ({ action, userId: null })),
]));
export type AdminButton = z.output<typeof AdminButton>;

/** The callback data of an admin button. */
export function adminButton(action: (typeof USER_ACTIONS)[number], userId: number): string;
export function adminButton(action: (typeof PLAIN_ACTIONS)[number]): string;
export function adminButton(action: string, userId?: number): string {
  return userId === undefined ? `adm:${action}` : `adm:${action}:${userId}`;
}
