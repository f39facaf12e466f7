-- The last year of each source, and whether it is partial: the year its records
-- stop in, partial when they stop before December (the list was published or cut
-- off mid-year, e.g. a daily file pulled in July or a project suspended in June).
-- A list that covers whole years has records into December (the annual FBI and
-- ALERRT reports end on 6 and 16 December). Derived from the data, not per source.
SELECT
    source,
    year(last_date)::INTEGER AS last_year,
    strftime(last_date, '%Y-%m-%d') AS last_date,
    last_date < make_date(year(last_date), 12, 1) AS partial
FROM sources
WHERE last_date IS NOT NULL
ORDER BY source
