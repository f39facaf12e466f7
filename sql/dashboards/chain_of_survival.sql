-- "How attacks end" laid out along the response chain: one row per step, figure and
-- source that can tell it, with the records it rests on (n_known of n) and, for a share,
-- its 95% interval. Steps: 1 what people at the scene did (stopped by civilians, incl.
-- security and off-duty officers; over before police arrived), 2 police arrival and
-- contact (stopped by police; attacker shot), 3 officers killed and injured (only the
-- sources that count them apart from other victims). A source that cannot tell a figure
-- has no row for it (a share with n_known = 0 is dropped).
WITH steps AS (
    SELECT 1 AS step, 1 AS figure_order, 'stopped_by_civilians' AS figure, source,
           stopped_by_civilians::DOUBLE AS value, n_known, n, share, ci_low, ci_high
    FROM metric_civilian_response WHERE location_type = 'all'
    UNION ALL
    SELECT 1, 2, 'ended_before_police', source, ended_before_police::DOUBLE, n_known, n,
           share, ci_low, ci_high
    FROM metric_police_arrival WHERE grouping = 'overall'
    UNION ALL
    SELECT 2, 1, 'stopped_by_police', source, count::DOUBLE, n_known, n, share, ci_low, ci_high
    FROM metric_resolution
    WHERE grouping = 'overall' AND field = 'stopped_by' AND category = 'police'
    UNION ALL
    SELECT 2, 2, 'attacker_shot', source, count::DOUBLE, n_known, n, share, ci_low, ci_high
    FROM metric_resolution
    WHERE grouping = 'overall' AND field = 'end_method' AND category = 'shot'
    UNION ALL
    SELECT 3, 1, 'officers_killed', source, sum(officers_killed)::DOUBLE, sum(n_known),
           sum(n), NULL, NULL, NULL
    FROM metric_law_enforcement_casualties GROUP BY source
    UNION ALL
    SELECT 3, 2, 'officers_injured', source, sum(officers_injured)::DOUBLE, sum(n_known),
           sum(n), NULL, NULL, NULL
    FROM metric_law_enforcement_casualties GROUP BY source
)
SELECT step, figure_order, figure, source, value, n_known::BIGINT AS n_known, n::BIGINT AS n,
       round(share, 4) AS share, round(ci_low, 4) AS ci_low, round(ci_high, 4) AS ci_high
FROM steps
WHERE n_known > 0
ORDER BY step, figure_order, source
