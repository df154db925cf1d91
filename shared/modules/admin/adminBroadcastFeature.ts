import { Composer } from 'grammy';
import { startUsersBroadcast } from '../broadcasts/broadcastFeature.js';
import type { AdminContext } from './adminGate.js';

/** `/admin_broadcast`: a message to every user, through the broadcasts machinery (one send job per user, progress, Stop, report). */
export const adminBroadcastFeature = new Composer<AdminContext>();

adminBroadcastFeature.command('admin_broadcast', (ctx) => startUsersBroadcast(ctx));
