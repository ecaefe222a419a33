-- One target per region, year, indicator and measure (fct_targets), with the document it came
-- from. When several share the grain (a work report and a progress notice restating it, or next
-- year's report recalling it), the one from a work report of that year wins, then any work
-- report, then the earliest published, then the first in the text. Qualitative targets are kept
-- (their measure is 'qualitative'). The region is told apart by its code as well as its name
-- (two 龙华区 are two regions).

with

targets as (

    select * from {{ ref('fct_targets') }}

),

documents as (

    select * from {{ ref('dim_document') }}

),

targets_with_documents as (

    select
        targets.*,
        documents.kind as document_kind,
        documents.published_date as document_published_date,
        cast(coalesce(extract(year from documents.published_date), documents.target_year, documents.year)
            as integer) as document_year,
        coalesce(documents.kind = 'work_report' and documents.target_year = targets.year, false)
            as is_from_own_work_report

    from targets
    left join documents
        on targets.document_id = documents.document_id

),

ranked as (

    select
        *,
        row_number() over (
            partition by region, region_code, year, indicator, measure
            order by
                is_from_own_work_report desc,
                coalesce(document_kind = 'work_report', false) desc,
                document_published_date nulls last,
                document_id,
                char_start,
                fact_id
        ) as choice_order

    from targets_with_documents

),

-- (row_number in a CTE, not QUALIFY: the same SQL runs on DuckDB and PostgreSQL)
final as (

    select *
    from ranked
    where choice_order = 1

)

select * from final
