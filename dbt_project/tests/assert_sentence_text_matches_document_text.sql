-- The raw contract (docs/ARCHITECTURE.md): a sentence is document.text[char_start:char_end].
-- Returns the sentences that break it.

with

sentences as (

    select * from {{ ref('stg_raw__sentences') }}

),

documents as (

    select * from {{ ref('stg_raw__documents') }}

),

mismatches as (

    select
        sentences.document_id,
        sentences.sentence_no,
        sentences.sentence_text,
        substring(
            documents.document_text,
            sentences.char_start + 1,
            sentences.char_end - sentences.char_start
        ) as text_at_offsets

    from sentences
    inner join documents
        on sentences.document_id = documents.document_id

)

select *
from mismatches
where text_at_offsets is distinct from sentence_text
