-- The documents the marts publish: every live document (stg_raw__documents) that triage did not
-- quarantine. A quarantined document (no region, year or kind found, no readable prose, an
-- implausible figure, over its parse budget: ingestion/parse/triage.py) stays in the raw and
-- staging layers for inspection and is listed in ops.quarantined_documents with its reason and
-- fix; it comes back here by itself at the refresh after the fix.

with

documents as (

    select * from {{ ref('stg_raw__documents') }}

),

published as (

    select *
    from documents
    where quarantine_reason is null

)

select * from published
