import { Composer } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';
import type { BotModule } from '../../bot/BotModule.js';
import { activateFeature } from './activateFeature.js';
import { groupMembershipFeature } from './groupMembershipFeature.js';
import { initFeature } from './initFeature.js';
import { joinRequestHandler } from './joinRequestHandler.js';
import { joinRequestsFeature } from './joinRequestsFeature.js';
import { memberChangeFeature } from './memberChangeFeature.js';

/** Groups: the bot's and the linked admins' membership, `/init`, `/activate`, join-request approval and `/greet`. */
export const groupsModule: BotModule = {
  name: 'groups',
  groupCommands: ['init', 'activate', 'greet'],
  updates: ['my_chat_member', 'chat_member', 'chat_join_request'],
  feature: new Composer<BotContext>(groupMembershipFeature, memberChangeFeature, initFeature, activateFeature, joinRequestsFeature),
  jobs: ({ api, rawApi }) => [joinRequestHandler({ api, rawApi })],
};
