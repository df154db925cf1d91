import type { Locale } from '../../i18n/catalogs.js';
import type { Translator } from '../../i18n/createTranslator.js';
import { type AlertRule, alertUnits } from './alertRules.js';
import type { alertNotifyJob } from './alertNotifyJob.js';

type AlertNotice = ReturnType<(typeof alertNotifyJob)['payload']['parse']>;

/** A rule's value as the admin reads it: "2.4 %", "2.3 s", "1,234". */
function formatValue(t: Translator, locale: Locale, rule: AlertRule, value: number): string {
  const digits = (n: number, max: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: max }).format(n);
  switch (alertUnits[rule]) {
    case 'percent': return t('alert_value_percent', { value: digits(value, 1) });
    case 'ms': return t('alert_value_seconds', { value: digits(value / 1000, 1) });
    case 'count': return digits(value, 0);
  }
}

/** The admin's message for a level change. */
export function renderAlert(t: Translator, locale: Locale, notice: AlertNotice): string {
  const rule = t(`alert_rule_${notice.rule}`);
  const f = (v: number) => formatValue(t, locale, notice.rule, v);
  const limits = { warning: f(notice.warning), critical: f(notice.critical) };
  if (notice.level === 'ok') {
    return notice.value === null
      ? t('alert_resolved_no_data', { rule })
      : t('alert_resolved', { rule, value: f(notice.value), ...limits });
  }
  const value = f(notice.value ?? 0);
  return t(notice.level === 'critical' ? 'alert_critical' : 'alert_warning', { rule, value, ...limits });
}
