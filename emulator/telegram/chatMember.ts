import type { ChatMember, ChatMemberAdministrator, User } from 'grammy/types';

/** The statuses a chat member can have, as Telegram names them. */
export type MemberStatus = ChatMember['status'];

/** Administrator rights; any right left out takes its value from {@link defaultAdminRights}. */
export type AdminRights = Partial<
  Omit<ChatMemberAdministrator, 'status' | 'user' | 'can_be_edited' | 'custom_title'>
>;

/**
 * The rights Telegram's "promote to admin" screen pre-selects: everything except adding new
 * admins, staying anonymous and topic management.
 */
export const defaultAdminRights: Required<
  Omit<AdminRights, 'can_post_messages' | 'can_edit_messages' | 'can_manage_tags' | 'can_manage_direct_messages'>
> = {
  is_anonymous: false,
  can_manage_chat: true,
  can_delete_messages: true,
  can_manage_video_chats: true,
  can_restrict_members: true,
  can_promote_members: false,
  can_change_info: true,
  can_invite_users: true,
  can_post_stories: true,
  can_edit_stories: true,
  can_delete_stories: true,
  can_pin_messages: true,
  can_manage_topics: false,
  can_send_welcome_messages: false,
};

/**
 * Builds a ChatMember object of the given status, shaped as getChatMember and
 * my_chat_member updates return it.
 */
export function chatMember(user: User, status: MemberStatus, rights: AdminRights = {}): ChatMember {
  switch (status) {
    case 'creator':
      return { status, user, is_anonymous: false };
    case 'administrator':
      return { status, user, can_be_edited: false, ...defaultAdminRights, ...rights };
    case 'member':
      return { status, user };
    case 'restricted':
      return {
        status,
        user,
        is_member: true,
        until_date: 0,
        can_send_messages: false,
        can_send_audios: false,
        can_send_documents: false,
        can_send_photos: false,
        can_send_videos: false,
        can_send_video_notes: false,
        can_send_voice_notes: false,
        can_send_polls: false,
        can_send_other_messages: false,
        can_add_web_page_previews: false,
        can_change_info: false,
        can_invite_users: false,
        can_pin_messages: false,
        can_manage_topics: false,
      } as ChatMember;
    case 'left':
      return { status, user };
    case 'kicked':
      return { status, user, until_date: 0 };
  }
}

/**
 * An administrator's keys as the Bot API server writes them for the chat's type
 * (json_store_administrator_rights, Client.cpp:16726, and 5170): posting and editing messages and
 * managing direct messages only in channels; pinning and tags only in groups and supergroups;
 * topics only in supergroups; and the old name `can_manage_voice_chats` beside
 * `can_manage_video_chats`. Any other member is returned as it is.
 */
export function shapeForChat(member: ChatMember, chatType: 'group' | 'supergroup' | 'channel'): ChatMember {
  if (member.status !== 'administrator') return member;
  const shaped = { ...member } as ChatMemberAdministrator & Record<string, unknown>;
  const channel = chatType === 'channel';
  if (!channel) {
    delete shaped.can_post_messages;
    delete shaped.can_edit_messages;
    delete shaped.can_manage_direct_messages;
    shaped.can_pin_messages ??= false;
    shaped.can_manage_tags ??= false;
  } else {
    delete shaped.can_pin_messages;
    delete shaped.can_manage_tags;
    shaped.can_post_messages ??= false;
    shaped.can_edit_messages ??= false;
    shaped.can_manage_direct_messages ??= false;
  }
  if (chatType === 'supergroup') shaped.can_manage_topics ??= false;
  else delete shaped.can_manage_topics;
  shaped.can_manage_voice_chats = shaped.can_manage_video_chats;
  return shaped;
}

/** True for statuses that make someone part of the chat (can read it and post to it). */
export function isPresent(member: ChatMember | undefined): boolean {
  return member !== undefined && (member.status === 'creator' || member.status === 'administrator' ||
    member.status === 'member' || (member.status === 'restricted' && member.is_member));
}
