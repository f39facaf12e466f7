-- Share of attacks starting in each hour of the day (local time), per source
-- that records a time (metric_time_of_day, dimension hour). Hours with no
-- record get 0, with the 95% Wilson upper bound for 0 of n_known, so a line
-- does not bridge them.
WITH known AS (
    SELECT source, value::INTEGER AS hour, count, n, n_known, share, ci_low, ci_high
    FROM metric_time_of_day
    WHERE dimension = 'hour' AND value <> 'unknown'
),
totals AS (SELECT DISTINCT source, n, n_known FROM known),
grid AS (SELECT source, n, n_known, unnest(range(0, 24)) AS hour FROM totals)
SELECT g.source, g.hour::INTEGER AS hour, coalesce(k.count, 0) AS count, g.n, g.n_known,
       round(coalesce(k.share, 0), 4) AS share,
       round(coalesce(k.ci_low, 0), 4) AS ci_low,
       round(coalesce(k.ci_high, 1.959964 ^ 2 / (g.n_known + 1.959964 ^ 2)), 4) AS ci_high
FROM grid AS g
LEFT JOIN known AS k USING (source, hour)
ORDER BY g.source, g.hour
