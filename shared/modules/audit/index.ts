// The audit log (the seed's 8.4): every sensitive action, with who, what, about whom and when.
// Not a BotModule: it has no commands of its own; the modules that act record through it.
export { type AuditAction, type AuditEntry, recordAudit } from './recordAudit.js';
export { type AuditRow, readAuditLog } from './readAuditLog.js';
