-- amzdb schema v4: scenarios. A fact may belong to a named scenario, a hypothetical its
-- source states or computes ('at scale': amounts per year once a business runs at full
-- scale, in no particular year; 'margin advantage': one of two ways a page sizes one
-- claim), or to none (''). The scenario is part of the fact's identity, so the same
-- figure under two scenarios is two facts, and reports keep them apart
-- (queries/choice.sql keys a scenario's figures by basis and scenario). A scenario is
-- never what happened: its basis is not 'actual', so no scenario poses as a period's
-- actual figure.
--
-- A column with a constant default rewrites no row (every existing fact has no
-- scenario); SQLite checks the new CHECK against every existing row.
ALTER TABLE facts ADD COLUMN scenario TEXT NOT NULL DEFAULT ''
    CHECK (scenario = '' OR basis <> 'actual');
