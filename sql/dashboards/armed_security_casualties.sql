-- Killed and injured per attack by whether the source states armed security was
-- present (metric_armed_security), one row per group and measure: mean and median
-- over the records that give both counts (n_known of n). Descriptive only.
SELECT source,
       coalesce(CAST(armed_security_present AS VARCHAR), 'not_stated') AS group_key,
       measure, n, n_casualties_known AS n_known,
       round(mean, 3) AS mean, median
FROM (
    SELECT *, 'killed' AS measure, mean_killed AS mean, median_killed AS median
    FROM metric_armed_security
    UNION ALL
    SELECT *, 'injured', mean_injured, median_injured FROM metric_armed_security
)
ORDER BY source, armed_security_present DESC NULLS LAST, measure DESC
