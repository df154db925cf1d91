import type postgres from 'postgres';
import type { Sql } from './createSql.js';

/**
 * What a query function needs: the pool or a transaction (`sql.begin(async (tx) => ...)`).
 * Functions that another transaction may compose take this rather than `Sql`.
 */
export type Queryable = Sql extends postgres.Sql<infer Types> ? postgres.ISql<Types> : never;
