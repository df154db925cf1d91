/** Thrown at start-up when the environment is incomplete; the message names each variable. */
export class ConfigError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** What both zod and zod/mini schemas offer; taking this keeps zod out of the webhook's imports. */
interface EnvSchema<T> {
  safeParse(input: unknown):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/** Parses an entry point's environment, failing fast with every problem at once. */
export function parseEnv<T>(schema: EnvSchema<T>, env: Record<string, string | undefined>): T {
  const result = schema.safeParse(env);
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`));
  return result.data;
}
