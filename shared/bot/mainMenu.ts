import { InlineKeyboard } from 'grammy';
import type { BotContext } from './botContext.js';
import type { MenuButton } from './BotModule.js';

/** Help is the core's own button, always last. */
const HELP: MenuButton = { label: 'menu_help', data: 'menu:help' };

/** The inline main menu of the modules this bot runs, two buttons a row; each runs its command. */
export function mainMenu(ctx: BotContext): InlineKeyboard {
  const buttons = [...ctx.modules.flatMap((m) => m.menu ?? []), HELP];
  const keyboard = new InlineKeyboard();
  buttons.forEach((b, i) => {
    keyboard.text(ctx.t(b.label), b.data);
    if (i % 2 === 1 && i < buttons.length - 1) keyboard.row();
  });
  return keyboard;
}
