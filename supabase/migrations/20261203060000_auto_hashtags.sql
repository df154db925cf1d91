-- Auto hashtags (/settings, the seed's user_settings.auto_hashtags): added to the end of every
-- caption at /post, before the caption is checked against Instagram's limits. Kept as the
-- normalised text the caption gets (`#travel #photo`): at most 30 hashtags, the whole caption's
-- limit, so the column cannot hold more than a caption could. Empty: none.
alter table users
  add column auto_hashtags text not null default '' check (length(auto_hashtags) <= 2200);
