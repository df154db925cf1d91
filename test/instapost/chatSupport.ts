import assert from 'node:assert/strict';
import type { Message } from 'grammy/types';
import type { EmulatedUser } from '../../emulator/telegram/index.js';
import type { Stack } from '../support/startStack.js';

// Shared by the InstaPost and plans tests that talk to the bot as a user: a message's buttons,
// a screen edited by a button, /settings.

const WAIT = { timeoutMs: 20_000 };

/** What each button of a message carries: its callback data, else its URL, else its text. */
export function buttons(message: Message): string[] {
  return message.reply_markup?.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data : 'url' in b ? b.url : b.text)) ?? [];
}

/**
 * Presses a button of a screen (which must have it) and resolves with that message once the bot
 * edited it to match `expect` and the update is done.
 */
export async function pressEdit(stack: Stack, user: EmulatedUser, message: Message, data: string, expect: RegExp): Promise<Message> {
  assert.ok(buttons(message).includes(data), `no button ${data} in ${buttons(message).join()}`);
  user.pressButton(message, data);
  const edited = await stack.telegram.waitFor(() => {
    const now = stack.telegram.messagesIn(user).find((m) => m.message_id === message.message_id);
    return now && now !== message && now.edit_date !== undefined && expect.test(now.text ?? '') ? now : undefined;
  }, { ...WAIT, description: `the screen after ${data}` });
  await stack.updatesDone();
  return edited;
}

/** Sends `/settings` and resolves with the settings message. */
export async function openSettings(stack: Stack, user: EmulatedUser): Promise<Message> {
  user.sendCommand('/settings');
  return stack.telegram.waitForBotMessage(user, (m) => /Settings|Настройки/.test(m.text ?? ''), WAIT);
}
