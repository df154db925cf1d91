/**
 * A user's invite link. Opening it shows the bot with a Start button that sends
 * `/start <code>`; Telegram allows up to 64 characters of `A-Z a-z 0-9 _ -` there.
 */
export function referralLink(botUsername: string, code: string): string {
  return `https://t.me/${botUsername}?start=${code}`;
}
