-- Registered sources with no records in this warehouse, and why: the reason the last
-- refresh gave when it failed, else the source's licence terms (e.g. a file that is not
-- redistributable and must be supplied by the user).
SELECT source, title, stale_reason, licence
FROM sources
WHERE coalesce(records, 0) = 0
ORDER BY source
