-- One row per report, with how many facts were extracted from it. n_targets, n_actuals and
-- n_rankings count the rows of the fct_ marts (indicators in the dictionary); facts about other
-- indicators are counted in n_facts_unknown_indicator, so that
-- n_facts = n_targets + n_actuals + n_rankings + n_facts_unknown_indicator.

with

documents as (

    select * from {{ ref('int_documents_published') }}

),

facts as (

    select * from {{ ref('int_facts_published') }}

),

fact_counts as (

    select
        document_id,
        count(*) as n_facts,
        count(*) filter (where kind = 'target' and indicator is not null) as n_targets,
        count(*) filter (where kind = 'actual' and indicator is not null) as n_actuals,
        count(*) filter (where kind = 'ranking' and indicator is not null) as n_rankings,
        count(*) filter (where indicator is null) as n_facts_unknown_indicator

    from facts
    group by document_id

),

final as (

    select
        documents.document_id,
        documents.source_path,
        documents.source_part,
        documents.parts_in_source,
        documents.region,
        documents.kind,
        documents.year,
        documents.target_year,
        documents.published_date,
        documents.title,
        documents.char_count,
        documents.content_hash,
        documents.extractor_version,
        documents.run_id,
        documents.loaded_at,
        cast(coalesce(fact_counts.n_facts, 0) as integer) as n_facts,
        cast(coalesce(fact_counts.n_targets, 0) as integer) as n_targets,
        cast(coalesce(fact_counts.n_actuals, 0) as integer) as n_actuals,
        cast(coalesce(fact_counts.n_rankings, 0) as integer) as n_rankings,
        cast(coalesce(fact_counts.n_facts_unknown_indicator, 0) as integer)
            as n_facts_unknown_indicator

    from documents
    left join fact_counts
        on documents.document_id = fact_counts.document_id

)

select * from final
