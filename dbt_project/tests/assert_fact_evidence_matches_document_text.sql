-- The raw contract (docs/ARCHITECTURE.md): a fact's evidence is exactly
-- document.text[char_start:char_end], with Python (code point) offsets. DuckDB's substring counts
-- code points too, 1-based. Returns the facts that break it.

with

facts as (

    select * from {{ ref('stg_raw__facts') }}

),

documents as (

    select * from {{ ref('stg_raw__documents') }}

),

mismatches as (

    select
        facts.fact_id,
        facts.document_id,
        facts.char_start,
        facts.char_end,
        facts.evidence,
        substring(documents.document_text, facts.char_start + 1, facts.char_end - facts.char_start)
            as text_at_offsets

    from facts
    inner join documents
        on facts.document_id = documents.document_id

)

select *
from mismatches
where text_at_offsets is distinct from evidence
