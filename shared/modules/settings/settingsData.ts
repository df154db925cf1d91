/** The callback data that shows the `/settings` overview: the Back button of every module's settings screen. */
export const SETTINGS_DATA = 'settings:show';
