-- The facts of the published documents (int_documents_published): a quarantined document's facts
-- stay in raw.facts and stg_raw__facts and never reach a mart.

with

facts as (

    select * from {{ ref('stg_raw__facts') }}

),

published_documents as (

    select document_id from {{ ref('int_documents_published') }}

),

published_facts as (

    select facts.*
    from facts
    inner join published_documents
        on facts.document_id = published_documents.document_id

)

select * from published_facts
