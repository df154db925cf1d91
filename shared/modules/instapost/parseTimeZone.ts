/** Every IANA zone this runtime knows, as ICU names them (`Europe/Kiev`, not yet `Europe/Kyiv`). */
const ZONES: readonly string[] = Intl.supportedValuesOf('timeZone');

const cityKey = (text: string) => text.trim().toLowerCase().replace(/[\s\-_.]+/g, ' ').replace(/ё/g, 'е');

/**
 * Cities people type that are not the city of a zone's name: newer names ICU still files under
 * the old (Kyiv), and the largest cities of the languages the bot speaks, in those languages.
 * Any other city in a zone's name (Tokyo, New York, Sao Paulo) is found without a list.
 */
const CITY_ALIASES: Readonly<Record<string, string>> = {
  kyiv: 'Europe/Kyiv', kolkata: 'Asia/Kolkata', mumbai: 'Asia/Kolkata', delhi: 'Asia/Kolkata', 'new delhi': 'Asia/Kolkata',
  'ho chi minh': 'Asia/Ho_Chi_Minh', 'saint petersburg': 'Europe/Moscow', 'st petersburg': 'Europe/Moscow',
  'san francisco': 'America/Los_Angeles', washington: 'America/New_York', beijing: 'Asia/Shanghai',
  москва: 'Europe/Moscow', 'санкт петербург': 'Europe/Moscow', петербург: 'Europe/Moscow', питер: 'Europe/Moscow',
  калининград: 'Europe/Kaliningrad', самара: 'Europe/Samara', казань: 'Europe/Moscow', екатеринбург: 'Asia/Yekaterinburg',
  челябинск: 'Asia/Yekaterinburg', пермь: 'Asia/Yekaterinburg', омск: 'Asia/Omsk', новосибирск: 'Asia/Novosibirsk',
  красноярск: 'Asia/Krasnoyarsk', иркутск: 'Asia/Irkutsk', якутск: 'Asia/Yakutsk', владивосток: 'Asia/Vladivostok',
  хабаровск: 'Asia/Vladivostok', магадан: 'Asia/Magadan', камчатка: 'Asia/Kamchatka', 'петропавловск камчатский': 'Asia/Kamchatka',
  'нижний новгород': 'Europe/Moscow', 'ростов на дону': 'Europe/Moscow', краснодар: 'Europe/Moscow', сочи: 'Europe/Moscow',
  уфа: 'Asia/Yekaterinburg', волгоград: 'Europe/Volgograd', саратов: 'Europe/Saratov',
  минск: 'Europe/Minsk', киев: 'Europe/Kyiv', алматы: 'Asia/Almaty', астана: 'Asia/Almaty', ташкент: 'Asia/Tashkent',
  тбилиси: 'Asia/Tbilisi', ереван: 'Asia/Yerevan', баку: 'Asia/Baku', кишинев: 'Europe/Chisinau', рига: 'Europe/Riga',
  вильнюс: 'Europe/Vilnius', таллин: 'Europe/Tallinn', бишкек: 'Asia/Bishkek', душанбе: 'Asia/Dushanbe',
  берлин: 'Europe/Berlin', лондон: 'Europe/London', париж: 'Europe/Paris', рим: 'Europe/Rome', мадрид: 'Europe/Madrid',
  прага: 'Europe/Prague', варшава: 'Europe/Warsaw', стамбул: 'Europe/Istanbul', дубай: 'Asia/Dubai', бангкок: 'Asia/Bangkok',
  пхукет: 'Asia/Bangkok', бали: 'Asia/Makassar', токио: 'Asia/Tokyo', пекин: 'Asia/Shanghai', 'нью йорк': 'America/New_York',
  'лос анджелес': 'America/Los_Angeles', 'тель авив': 'Asia/Jerusalem', лиссабон: 'Europe/Lisbon',
  белград: 'Europe/Belgrade', хельсинки: 'Europe/Helsinki',
};

/** The zone's own name for `name` if this runtime knows it (any case), else undefined. */
function knownZone(name: string): string | undefined {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  const listed = ZONES.find((z) => z.toLowerCase() === name.toLowerCase());
  if (listed) return listed;
  // A newer name ICU files under an older one (Europe/Kyiv → Europe/Kiev): keep the one the user
  // typed when it is spelled as zone names are; PostgreSQL and Intl know both.
  return /^[A-Z][A-Za-z_-]*(\/[A-Z][A-Za-z_-]*)+$/.test(name) ? name : resolved;
}

/**
 * A time zone as the user typed it: an IANA name in any case (`Europe/Berlin`, `europe/berlin`,
 * `UTC`), or a city (`Tokyo`, `new york`, `Москва`), checked with Intl so that every zone saved
 * is one the bot can format dates in. Undefined when it is neither. Abbreviations (`EST`, `MSK`)
 * are refused: several zones share them, and `EST` is a fixed offset that ignores daylight saving.
 */
export function parseTimeZone(text: string): string | undefined {
  const typed = text.trim();
  if (typed === '' || typed.length > 64) return undefined;
  if (/^(utc|gmt|etc\/utc)$/i.test(typed)) return 'UTC';
  if (typed.includes('/')) return /^[A-Za-z0-9_+\-/]+$/.test(typed) ? knownZone(typed) : undefined;
  const key = cityKey(typed);
  const alias = CITY_ALIASES[key];
  if (alias) return knownZone(alias);
  return ZONES.find((z) => cityKey(z.slice(z.lastIndexOf('/') + 1)) === key);
}
