/** A row of `groups`, as the group modules read it. */
export interface GroupRow {
  id: number;
  chatId: number;
  title: string;
  type: 'group' | 'supergroup' | 'channel';
  botStatus: string;
  botRights: Record<string, unknown>;
  adminUserId: number | null;
  active: boolean;
  greetJoiners: boolean;
}
