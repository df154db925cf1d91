/** The server every scenario runs against; each scenario gets its own database on it. */
export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The project root (bench/..), for spawning the built function and worker. */
export const PROJECT_ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
