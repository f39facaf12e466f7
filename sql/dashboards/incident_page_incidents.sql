-- The incident page: each incident's best-estimate values (the value most of
-- its sources give, see `incidents`), and the fields its sources disagree on
-- from `discrepancies` (value, best value and whether this record differs).
SELECT
    i.incident_id,
    strftime(i.incident_date, '%Y-%m-%d') AS incident_date,
    i.city,
    i.state,
    i.location_type,
    i.killed,
    i.injured,
    i.end_method,
    i.attacker_fate,
    i.n_sources,
    i.n_records,
    d.differences
FROM incidents AS i
LEFT JOIN (
    SELECT incident_id,
           list({'field': field, 'source': source, 'record': source_record_id, 'value': value,
                 'best': best_value, 'differs': differs}
                ORDER BY field, source, source_record_id) AS differences
    FROM discrepancies
    GROUP BY incident_id
) AS d USING (incident_id)
ORDER BY i.incident_id
