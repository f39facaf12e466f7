-- Share of attacks on each weekday, per source (metric_time_of_day, dimension
-- weekday; value is "1 Monday" .. "7 Sunday"). Weekdays with no record get 0,
-- with the 95% Wilson upper bound for 0 of n_known.
WITH known AS (
    SELECT source, split_part(value, ' ', 1)::INTEGER AS weekday_no, count, n, n_known,
           share, ci_low, ci_high
    FROM metric_time_of_day
    WHERE dimension = 'weekday' AND value <> 'unknown'
),
totals AS (SELECT DISTINCT source, n, n_known FROM known),
grid AS (SELECT source, n, n_known, unnest(range(1, 8)) AS weekday_no FROM totals)
SELECT g.source, g.weekday_no::INTEGER AS weekday_no,
       ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday',
        'Sunday'][g.weekday_no] AS weekday,
       coalesce(k.count, 0) AS count, g.n, g.n_known,
       round(coalesce(k.share, 0), 4) AS share,
       round(coalesce(k.ci_low, 0), 4) AS ci_low,
       round(coalesce(k.ci_high, 1.959964 ^ 2 / (g.n_known + 1.959964 ^ 2)), 4) AS ci_high
FROM grid AS g
LEFT JOIN known AS k USING (source, weekday_no)
ORDER BY g.source, g.weekday_no
