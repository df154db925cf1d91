/** `npm start` would poll with a token whose bot has a webhook (a deployed bot, most likely). */
export class WebhookIsSetError extends Error {
  readonly webhookUrl: string;
  constructor(webhookUrl: string) {
    super(`this bot has a webhook set (${webhookUrl}): polling would delete it and the deployed bot would stop getting updates. `
      + 'Use another bot\'s token for local work (or BOT_MODE=sandbox), or run `npm start -- --force` to take the updates here; '
      + '`npm run webhook -- set` registers the webhook again.');
    this.name = 'WebhookIsSetError';
    this.webhookUrl = webhookUrl;
  }
}
