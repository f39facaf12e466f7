-- How attacks ended by whether the source states armed security was present
-- (metric_armed_security_end). group_key: 'true' (present), 'false' (stated
-- absent) or 'not_stated' (NULL: the source does not say). Shares are of the
-- records that tell how the attack ended (n_known of n). Descriptive only.
SELECT source,
       coalesce(CAST(armed_security_present AS VARCHAR), 'not_stated') AS group_key,
       end_method AS category, count, n, n_known,
       round(share, 4) AS share, round(ci_low, 4) AS ci_low, round(ci_high, 4) AS ci_high
FROM metric_armed_security_end
WHERE end_method <> 'unknown'
ORDER BY source, armed_security_present DESC NULLS LAST, end_method
